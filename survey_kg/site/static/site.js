// The site's one script. Search: the box in the header queries the Pagefind index in
// pagefind/ (loaded on first use) and lists what it finds; results are written as text, never
// as HTML. Copy: the BibTeX button. Without JavaScript the rest of the site works as it is.
(function () {
  "use strict";
  var form = document.querySelector("form.search");
  if (form && "noModule" in HTMLScriptElement.prototype) {
    var input = form.querySelector("input");
    var status = form.querySelector(".status");
    var list = form.querySelector(".results");
    var root = new URL(form.getAttribute("data-root"), document.baseURI);
    var pagefind = null;
    var latest = 0;
    var load = function () {
      if (!pagefind) {
        pagefind = import(new URL("pagefind/pagefind.js", root).href).then(function (module) {
          return Promise.resolve(module.options({ baseUrl: root.pathname })).then(function () {
            return module;
          });
        });
      }
      return pagefind;
    };
    var item = function (data) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = data.url;
      a.textContent = (data.meta && data.meta.title) || data.url;
      li.appendChild(a);
      if (data.meta && data.meta.summary) {
        var p = document.createElement("p");
        p.textContent = data.meta.summary;
        li.appendChild(p);
      }
      return li;
    };
    var show = function (found, total) {
      list.replaceChildren.apply(list, found.map(item));
      status.textContent = total ? form.getAttribute("data-found").replace("{n}", total)
                                 : form.getAttribute("data-none");
    };
    form.hidden = false;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var first = list.querySelector("a");
      if (first) first.focus();
    });
    input.addEventListener("input", function () {
      var term = input.value.trim();
      var id = ++latest;
      if (!term) {
        list.replaceChildren();
        status.textContent = "";
        return;
      }
      load().then(function (module) {
        return module.debouncedSearch(term, {}, 150);
      }).then(function (search) {
        if (!search || id !== latest) return null;
        return Promise.all(search.results.slice(0, 10).map(function (r) { return r.data(); }))
          .then(function (found) { if (id === latest) show(found, search.results.length); });
      }).catch(function (error) {
        status.textContent = form.getAttribute("data-none");
        console.warn("search unavailable:", error);
      });
    });
  }
  Array.prototype.forEach.call(document.querySelectorAll("button[data-copy]"), function (button) {
    var source = document.getElementById(button.getAttribute("data-copy"));
    if (!source || !navigator.clipboard) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(source.textContent).then(function () {
        button.textContent = button.getAttribute("data-done");
      });
    });
  });
})();
