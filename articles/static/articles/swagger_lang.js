// Swagger UI's page has no lang on <html> (not in a template block): set it for screen readers.
document.documentElement.lang = 'en';
