"""ClientDesk: a Telegram CRM and helpdesk for client relations specialists."""
