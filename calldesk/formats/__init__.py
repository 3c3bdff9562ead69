"""The desk's own date formats per language (settings.FORMAT_MODULE_PATH), over Django's:
Russian and Romanian readers see days as 02.12.2026 and times on the 24-hour clock on every
screen ("Around the job": the interface speaks English, Russian and Romanian). Money is
calldesk.money's; numbers typed on screens are read by calldesk.screen_input."""
