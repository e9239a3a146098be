/*
 * The editor's image browser (templates/ckeditor/browse.html): the chosen picture's
 * address goes back to the image dialog that opened this window, through the
 * callback number CKEditor put in the address (CKEditorFuncNum), and the window closes.
 */
(function () {
  "use strict";
  var funcNum = new URLSearchParams(window.location.search).get("CKEditorFuncNum") || "";

  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-src]");
    var editor = window.opener && window.opener.CKEDITOR;
    if (!button || !editor || !/^\d{1,6}$/.test(funcNum)) {
      return;
    }
    editor.tools.callFunction(Number(funcNum), button.getAttribute("data-src"));
    window.close();
  });
})();
