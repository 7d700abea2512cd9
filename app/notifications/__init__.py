"""In-app inbox and e-mail notifications, delivered after the request commits."""
