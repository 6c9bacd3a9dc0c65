/* What the book adds to every page (book/_ext/coursebook).
 *
 * A pause button under every animation (an animated GIF) of the book. A GIF cannot be stopped, so pausing
 * draws its current frame onto a canvas that takes the image's place; playing shows the image again. Readers
 * who ask their system for reduced motion get every animation paused to begin with. The canvas carries the
 * image's alt text.
 *
 * The theme's mode (light, dark or the system's) gets its default before the theme reads it.
 *
 * When the page is printed (the header's PDF button prints it too), the folded answers (dropdowns) are opened
 * and every image is loaded, so that the printed copy holds them; they fold again afterwards.
 */
(function () {
  "use strict";

  /* On a reader's first visit the theme's head script leaves the mode empty, and the theme's own script then
   * reports "Got invalid theme mode" as a console error before it falls back to the default. This script runs
   * before the theme's (both are deferred; the theme's comes last in the page), so the default is set first. */
  var root = document.documentElement;
  if (!root.dataset.mode) root.dataset.mode = root.dataset.defaultMode || "auto";

  var reduceMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  function pause(image, canvas, button) {
    canvas.width = image.naturalWidth;
    canvas.height = image.naturalHeight;
    canvas.style.width = image.getBoundingClientRect().width + "px";
    canvas.getContext("2d").drawImage(image, 0, 0);
    image.hidden = true;
    canvas.hidden = false;
    button.setAttribute("aria-pressed", "true");
    button.textContent = "Play animation";
  }

  function play(image, canvas, button) {
    image.hidden = false;
    canvas.hidden = true;
    button.setAttribute("aria-pressed", "false");
    button.textContent = "Pause animation";
  }

  function addControls(image) {
    var canvas = document.createElement("canvas");
    canvas.className = "animation-frame";
    canvas.hidden = true;
    canvas.setAttribute("role", "img");
    canvas.setAttribute("aria-label", image.getAttribute("alt") || "");
    var button = document.createElement("button");
    button.type = "button";
    button.className = "animation-toggle";
    button.setAttribute("aria-pressed", "false");
    button.textContent = "Pause animation";
    button.addEventListener("click", function () {
      if (button.getAttribute("aria-pressed") === "true") play(image, canvas, button);
      else pause(image, canvas, button);
    });
    image.insertAdjacentElement("afterend", canvas);
    var holder = image.closest("figure") || image.parentElement;
    var caption = holder.querySelector("figcaption");
    if (caption) holder.insertBefore(button, caption);
    else canvas.insertAdjacentElement("afterend", button);
    if (reduceMotion) {
      if (image.complete && image.naturalWidth) pause(image, canvas, button);
      else image.addEventListener("load", function () { pause(image, canvas, button); }, { once: true });
    }
  }

  var openedForPrint = [];

  function beforePrint() {
    var folded = document.querySelectorAll("article details:not([open])");
    for (var index = 0; index < folded.length; index++) {
      folded[index].open = true;
      openedForPrint.push(folded[index]);
    }
    var lazy = document.querySelectorAll("article img[loading='lazy']");
    for (index = 0; index < lazy.length; index++) lazy[index].loading = "eager";
  }

  function afterPrint() {
    openedForPrint.forEach(function (details) { details.open = false; });
    openedForPrint = [];
  }

  function start() {
    var images = document.querySelectorAll("article img[src$='.gif']");
    for (var index = 0; index < images.length; index++) addControls(images[index]);
    window.addEventListener("beforeprint", beforePrint);
    window.addEventListener("afterprint", afterPrint);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
