"""Reading and writing on a weak signal: the service worker and the offline page."""
