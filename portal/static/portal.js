// Progressive enhancement only: the site works the same without this file.
// - 打印本页 is a link to the page's print layout (?print=1); with script it opens the print dialog directly.
// - The share box selects its whole link when focused, ready to copy.
document.addEventListener("DOMContentLoaded", function () {
  var printLink = document.querySelector(".print-link");
  if (printLink && window.print) {
    printLink.addEventListener("click", function (event) {
      event.preventDefault();
      window.print();
    });
  }
  var share = document.querySelector(".share-url");
  if (share) {
    share.addEventListener("focus", function () { share.select(); });
  }
});

// Autocomplete: every search box (name="q") gets a <datalist> filled from /suggest.json as the user types:
// frequent words beginning with the last word typed, then titles holding the text. Choosing one fills the box;
// the form is submitted as usual. Without this script the boxes are plain search boxes.
document.addEventListener("DOMContentLoaded", function () {
  if (!window.fetch) {
    return;
  }
  var boxes = document.querySelectorAll('input[type="search"][name="q"]');
  Array.prototype.forEach.call(boxes, function (box, n) {
    var list = document.createElement("datalist");
    list.id = "suggest-" + n;
    box.parentNode.insertBefore(list, box.nextSibling);
    box.setAttribute("list", list.id);
    var timer = null;
    var asked = "";
    box.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(ask, 150);
    });
    function ask() {
      var q = box.value.trim();
      if (!q || q === asked || q.length > 200) {
        return;
      }
      asked = q;
      window.fetch("/suggest.json?q=" + encodeURIComponent(q), { headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) {
          if (!data || box.value.trim() !== q) {
            return;
          }
          list.textContent = "";
          var values = data.terms.concat(data.titles.map(function (item) { return item.title; }));
          values.forEach(function (value) {
            var option = document.createElement("option");
            option.value = value;
            list.appendChild(option);
          });
        })
        .catch(function () {});
    }
  });
});
