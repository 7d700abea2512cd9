"""The site frame: home, health check, language, security headers, errors, Markdown filter."""
