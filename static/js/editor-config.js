/*
 * CKEditor's customConfig (fedsite/settings.py, CKEDITOR_CONFIGS): the editor sends
 * Django's CSRF token with every image upload, pasted, dropped or from the image
 * dialog, so fedsite.uploads.editor_image_upload can run Django's own CSRF check and
 * refuse an upload that did not come from this site's editing page.
 *
 * The token is the one in the admin form the editor sits in (the cookie is HttpOnly).
 */
CKEDITOR.editorConfig = function (config) {
  var field = document.querySelector('input[name="csrfmiddlewaretoken"]');
  if (field) {
    config.fileTools_requestHeaders = { "X-CSRFToken": field.value };
  }
};
