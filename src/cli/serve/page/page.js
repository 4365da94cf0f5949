// rolecheck page: loads a dropped or chosen .txt/.html file into the text
// area. The form works without it; the file's text is only ever a value.
(function () {
  "use strict";
  var drop = document.getElementById("drop");
  var file = document.getElementById("file");
  var text = document.getElementById("text");
  var msg = document.getElementById("drop-msg");
  if (!drop || !file || !text || !msg || !window.FileReader) return;
  drop.hidden = false;
  function load(f) {
    if (!f) return;
    if (!/\.(txt|html?)$/i.test(f.name)) {
      msg.textContent = drop.getAttribute("data-bad");
      return;
    }
    var reader = new FileReader();
    reader.onload = function () {
      text.value = String(reader.result);
      msg.textContent = drop.getAttribute("data-loaded") + " " + f.name;
      text.focus();
    };
    reader.readAsText(f);
  }
  function hasFiles(e) {
    return e.dataTransfer && [].indexOf.call(e.dataTransfer.types, "Files") >= 0;
  }
  file.addEventListener("change", function () { load(file.files[0]); });
  [drop, text].forEach(function (el) {
    el.addEventListener("dragover", function (e) {
      if (!hasFiles(e)) return;
      e.preventDefault();
      drop.classList.add("over");
    });
    el.addEventListener("dragleave", function () { drop.classList.remove("over"); });
    el.addEventListener("drop", function (e) {
      if (!hasFiles(e)) return;
      e.preventDefault();
      drop.classList.remove("over");
      load(e.dataTransfer.files[0]);
    });
  });
})();
