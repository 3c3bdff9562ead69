"""The call register, transfers and outbound call lists (issues 5 and 6)."""
