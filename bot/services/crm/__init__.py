"""The specialist's CRM: the client base, its timeline, search, deals, notes and files."""
