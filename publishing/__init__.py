"""Publishing: frozen versions, comparisons, the response as of a date."""
