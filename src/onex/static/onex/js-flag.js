/* Runs before the page is painted (loaded without defer in <head>): styles that need JS key off
   html.js. A file rather than an inline script, so the Content-Security-Policy needs no
   'unsafe-inline' for scripts. */
document.documentElement.classList.replace("no-js", "js");
