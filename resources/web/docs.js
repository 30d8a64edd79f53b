// /api/docs: the service's own OpenAPI document in Swagger UI, compiled into the binary
// like Chart.js. "Try it out" sends the page's requests to this service, with the token
// a reader enters under Authorize when the service asks for one.
window.addEventListener('load', () => {
  window.SwaggerUIBundle({
    url: '/api/openapi.json',
    dom_id: '#docs',
    deepLinking: true,
    tryItOutEnabled: false,
  });
});
