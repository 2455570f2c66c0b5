"""A real OpenID Connect provider for the SSO tests (django-oauth-toolkit), run as its own server by harness.py.

Never part of Concord: it stands in for an agency's Entra ID, Google Workspace or Okta."""
