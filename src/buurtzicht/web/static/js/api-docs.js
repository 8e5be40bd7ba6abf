// Swagger UI (swagger-ui-dist from npm, served locally) on the API's OpenAPI document.
const root = document.getElementById("swagger-ui");
window.SwaggerUIBundle({
  url: root.dataset.openapi,
  domNode: root,
  deepLinking: true,
  presets: [window.SwaggerUIBundle.presets.apis],
  layout: "BaseLayout",
  validatorUrl: null, // no badge fetched from swagger.io: the page works offline
});
