from django.contrib import admin

from .models import Membership


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "response", "role", "created_at"]
    list_filter = ["role", "response"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "response__title"]
    list_select_related = ["user", "response"]
    autocomplete_fields = ["user", "response"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ["user", "role"]
    autocomplete_fields = ["user"]
