// Progressive enhancement only: the site works the same without this file.
// Adds a print button to document pages (printing needs script; the print stylesheet does not).
document.addEventListener("DOMContentLoaded", function () {
  var tools = document.querySelector(".doc-tools");
  if (!tools || !window.print) return;
  var button = document.createElement("button");
  button.type = "button";
  button.className = "print-button";
  button.textContent = "打印本页";
  button.addEventListener("click", function () { window.print(); });
  tools.appendChild(document.createTextNode(" "));
  tools.appendChild(button);
});
