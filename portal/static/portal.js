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
