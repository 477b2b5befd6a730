"""SQL reads of the API, one module per aggregate (session first, keyword-only arguments)."""
