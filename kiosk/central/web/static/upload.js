// Progress for the bundle upload: the same form, sent with XMLHttpRequest so the bar
// moves; the page the server answers with replaces this one. Without JavaScript the
// form posts as usual.
(function () {
  var form = document.getElementById("upload");
  if (!form || !window.FormData) return;
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var bar = document.getElementById("progress");
    bar.hidden = false;
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action || window.location.href);
    xhr.upload.onprogress = function (e) {
      if (e.lengthComputable) bar.value = Math.round((100 * e.loaded) / e.total);
    };
    xhr.onload = function () {
      document.open();
      document.write(xhr.responseText);
      document.close();
    };
    xhr.send(new FormData(form));
  });
})();
