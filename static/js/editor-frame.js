/*
 * CKEditor 4 writes two kinds of same-origin frames with a small inline script: its
 * editing area (<script id="cke_actscrpt">, telling the editor the frame has loaded)
 * and each dialog's file field (a form with a script telling the dialog the form is
 * there). Both frames share the page's Content-Security-Policy, which runs no inline
 * script element without the page's nonce (fedsite/settings.py,
 * EDITOR_CONTENT_SECURITY_POLICY), so those scripts are given the nonce this file was
 * loaded with (templates/admin/base_site.html). CKEditor 4 is frozen at 4.22.1
 * (django-ckeditor 6.7): the markup it writes does not change, and
 * tests/browser/test_csp.py would see it if it did.
 */
(function () {
  "use strict";
  var nonce = document.currentScript && document.currentScript.nonce;
  var patched = false;

  // Once only: the editing area's markup passes through both writers below, and
  // Chromium ignores the nonce of an element with a repeated attribute.
  function withNonce(html) {
    return String(html).replace(/<script(?=[\s>])(?![^>]*\snonce=)/g, '<script nonce="' + nonce + '"');
  }

  function patchWriters() {
    // The editing area: written through CKEditor's own document wrapper.
    var write = CKEDITOR.dom.document.prototype.write;
    CKEDITOR.dom.document.prototype.write = function (html) {
      return write.call(this, withNonce(html));
    };

    // A dialog's file field: written straight into the frame's document, which
    // CKEditor always reaches through getFrameDocument().
    var getFrameDocument = CKEDITOR.dom.element.prototype.getFrameDocument;
    CKEDITOR.dom.element.prototype.getFrameDocument = function () {
      var frameDocument = getFrameDocument.call(this);
      var native = frameDocument.$;
      if (!Object.prototype.hasOwnProperty.call(native, "write")) {
        var nativeWrite = native.write;
        native.write = function (html) {
          return nativeWrite.call(this, withNonce(html));
        };
      }
      return frameDocument;
    };
  }

  // Loaded in every admin page's head, before a form's own scripts: CKEditor is there
  // by DOMContentLoaded, and builds an editor only after that.
  function patch() {
    if (patched || !nonce || !window.CKEDITOR) {
      return;
    }
    patched = true;
    patchWriters();
  }
  patch();
  document.addEventListener("DOMContentLoaded", patch);
})();
