/* Agora on a weak signal. Every page works without this file; with it:
 *
 * - What a person writes in a form marked data-draft (a concern, a reply, an answer) is kept
 *   on the phone while they type, and comes back if the page is reloaded or reopened.
 * - If sending fails because the network dropped, they are told plainly; the draft waits and
 *   is sent when the connection is back, or at once with "Send now".
 * - Each draft has its own key (sent as client_key), so the server publishes it once however
 *   often it is resent.
 * - The service worker (/sw.js) is registered, and a notice shows while the phone is offline.
 *
 * Drafts are removed when the server has the text: it was published, or it came back to copy
 * (a concern closed meanwhile). After errors to correct (400) the draft stays.
 */
(function () {
  "use strict";

  var DRAFT = "agora-draft:";
  var PAGES = "agora-pages";
  var RETRY_EVERY_MS = 15000;
  var store = storage();
  var retrying = null;

  function storage() {
    try {
      var probe = DRAFT + "probe";
      window.localStorage.setItem(probe, "1");
      window.localStorage.removeItem(probe);
      return window.localStorage;
    } catch (error) {
      return null; // no storage (a private window, a full phone): forms still work
    }
  }

  function each(list, callback) {
    Array.prototype.forEach.call(list, callback);
  }

  // --- drafts --------------------------------------------------------------------------

  function draftName(form) {
    return DRAFT + form.getAttribute("action");
  }

  function load(form) {
    if (!store) return null;
    try {
      return JSON.parse(store.getItem(draftName(form)) || "null");
    } catch (error) {
      return null;
    }
  }

  function keep(form, draft) {
    if (!store) return;
    try {
      store.setItem(draftName(form), JSON.stringify(draft));
    } catch (error) {
      /* the phone is full: the text is still in the form */
    }
  }

  function forget(form) {
    if (store) store.removeItem(draftName(form));
  }

  function newKey() {
    var bytes = new Uint8Array(18);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (byte) {
      return ("0" + byte.toString(16)).slice(-2);
    }).join("");
  }

  function fields(form) {
    return Array.prototype.filter.call(form.elements, function (field) {
      return field.name && field.name !== "csrf_token" && field.name !== "client_key" &&
        ["hidden", "password", "submit", "button", "file"].indexOf(field.type) < 0;
    });
  }

  // A photo cannot be kept on the phone with the text: it is sent while the page stays open,
  // and if the page was closed the person is told to choose it again.
  function hasPhoto(form) {
    return Array.prototype.some.call(form.querySelectorAll("input[type=file]"), function (input) {
      return input.files && input.files.length > 0;
    });
  }

  function isText(field) {
    return field.tagName === "TEXTAREA" || field.type === "text";
  }

  function read(form) {
    var values = {};
    var written = false;
    fields(form).forEach(function (field) {
      var name = field.id || field.name;
      if (field.type === "checkbox" || field.type === "radio") {
        values[name] = field.checked;
      } else {
        values[name] = field.value;
        written = written || (isText(field) && field.value.trim() !== "");
      }
    });
    values["photo:chosen"] = hasPhoto(form);
    return written ? values : null;
  }

  function fill(form, values) {
    fields(form).forEach(function (field) {
      var value = values[field.id || field.name];
      if (value === undefined) return;
      if (field.type === "checkbox" || field.type === "radio") field.checked = value === true;
      else field.value = value;
    });
  }

  function isEmpty(form) {
    return fields(form).every(function (field) {
      return !isText(field) || field.value.trim() === "";
    });
  }

  function save(form, pending) {
    var values = read(form);
    if (!values) {
      forget(form);
      return null;
    }
    var key = form.elements.client_key;
    var draft = load(form) || {};
    if (!draft.key) draft.key = newKey();
    if (key) key.value = draft.key;
    draft.values = values;
    draft.pending = pending === undefined ? Boolean(draft.pending) : pending;
    keep(form, draft);
    return draft;
  }

  function say(form, message, waitingToSend) {
    var status = form.querySelector(".draft-status");
    if (!status) return;
    status.textContent = message ? status.getAttribute("data-" + message) : "";
    // While a draft waits, its one button is "Send now", just under the message.
    each(form.querySelectorAll("button.button-main"), function (button) {
      if (!button.classList.contains("send-now")) button.hidden = Boolean(waitingToSend);
    });
    if (waitingToSend) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "button button-main send-now";
      button.textContent = status.getAttribute("data-send-now");
      button.addEventListener("click", function () { send(form); });
      status.appendChild(button);
    }
  }

  function send(form) {
    // Never a second copy while one is on its way (a retry, the "online" event and "Send now"
    // can all come while a slow answer is still travelling): htmx would queue it after the first.
    if (form.hasAttribute("data-sending")) return;
    say(form, null);
    if (form.requestSubmit) form.requestSubmit();
    else form.submit();
  }

  function waiting(form) {
    say(form, hasPhoto(form) ? "photo-waiting" : "waiting", true);
    if (!retrying) retrying = window.setInterval(sendWaiting, RETRY_EVERY_MS);
  }

  function sendWaiting() {
    if (navigator.onLine === false) return;
    var any = false;
    each(document.querySelectorAll("form[data-draft]"), function (form) {
      var draft = load(form);
      if (draft && draft.pending) {
        any = true;
        send(form);
      }
    });
    if (!any && retrying) {
      window.clearInterval(retrying);
      retrying = null;
    }
  }

  function restore(form) {
    if (form.hasAttribute("data-draft-ready")) return;
    form.setAttribute("data-draft-ready", "");
    var draft = load(form);
    if (!draft || !draft.values) return;
    if (isEmpty(form)) fill(form, draft.values);
    if (form.elements.client_key && draft.key) form.elements.client_key.value = draft.key;
    if (draft.values["photo:chosen"] && !hasPhoto(form)) {
      save(form, false); // not sent without the photo the person meant to send
      say(form, "photo-lost");
    } else if (draft.pending) {
      waiting(form);
      if (navigator.onLine !== false && window.htmx) send(form);
    } else {
      say(form, "restored");
    }
  }

  function formOf(event) {
    var detail = event.detail || {};
    var element = (detail.requestConfig && detail.requestConfig.elt) || detail.elt || event.target;
    return element && element.closest ? element.closest("form[data-draft]") : null;
  }

  function answered(form, status) {
    // The server has the text (published, or shown back to copy): the draft is done.
    if ((status >= 200 && status < 400) || status === 409) forget(form);
    else save(form, false);
  }

  document.addEventListener("input", function (event) {
    var form = event.target.closest && event.target.closest("form[data-draft]");
    if (form) save(form);
  });
  document.addEventListener("change", function (event) {
    var form = event.target.closest && event.target.closest("form[data-draft]");
    if (form) save(form);
  });

  // Without htmx (it did not load), forms are sent by the browser; offline, they wait.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.matches("form[action='/logout']")) {
      event.preventDefault();
      forgetEverything().then(function () { form.submit(); });
      return;
    }
    if (!form.matches("form[data-draft]") || window.htmx) return;
    save(form, true);
    if (navigator.onLine === false) {
      event.preventDefault();
      waiting(form);
    }
  });

  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = formOf(event);
    if (!form) return;
    save(form, true);
    form.setAttribute("data-sending", "");
  });
  each(["htmx:afterRequest", "htmx:sendError", "htmx:timeout", "htmx:sendAbort"], function (name) {
    document.addEventListener(name, function (event) {
      var form = formOf(event);
      if (form) form.removeAttribute("data-sending");
    });
  });
  document.addEventListener("htmx:beforeSwap", function (event) {
    var form = formOf(event);
    if (form) answered(form, event.detail.xhr.status);
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = formOf(event);
    var xhr = event.detail.xhr;
    if (form && xhr && xhr.status) answered(form, xhr.status); // HX-Redirect: no swap
  });
  each(["htmx:sendError", "htmx:timeout"], function (name) {
    document.addEventListener(name, function (event) {
      var form = formOf(event);
      if (!form) return;
      save(form, true);
      waiting(form);
    });
  });

  function forgetEverything() {
    if (store) {
      Object.keys(store).forEach(function (name) {
        if (name.indexOf(DRAFT) === 0) store.removeItem(name);
      });
    }
    return window.caches ? window.caches.delete(PAGES).catch(function () {}) : Promise.resolve();
  }

  // --- what htmx puts on the page ------------------------------------------------------

  function prepare(root) {
    each(root.querySelectorAll ? root.querySelectorAll("form[data-draft]") : [], restore);
    if (root.matches && root.matches("form[data-draft]")) restore(root);
  }

  document.addEventListener("htmx:load", function (event) {
    prepare(event.target);
  });

  // --- offline ---------------------------------------------------------------------------

  function showOffline(offline) {
    var notice = document.getElementById("offline-notice");
    if (!notice) return;
    if (offline) {
      notice.setAttribute("role", "status"); // announced as the signal goes
      notice.hidden = false;
    }
    else if (!notice.hasAttribute("data-saved-copy")) notice.hidden = true;
  }

  window.addEventListener("offline", function () { showOffline(true); });
  window.addEventListener("online", function () {
    showOffline(false);
    sendWaiting();
  });

  function listSavedPages() {
    var section = document.getElementById("saved-pages");
    if (!section || !window.caches) return;
    var list = section.querySelector("ul");
    window.caches.open(PAGES).then(function (cache) {
      return cache.keys().then(function (requests) {
        return Promise.all(requests.reverse().map(function (request) {
          return cache.match(request).then(function (response) {
            return response.text().then(function (html) {
              var title = new DOMParser().parseFromString(html, "text/html").title;
              return { url: request.url, title: title };
            });
          });
        }));
      });
    }).then(function (pages) {
      pages.forEach(function (page) {
        var item = document.createElement("li");
        var link = document.createElement("a");
        link.href = page.url;
        link.textContent = page.title || page.url;
        item.appendChild(link);
        list.appendChild(item);
      });
      section.hidden = pages.length === 0;
    }).catch(function () {});
  }

  document.addEventListener("DOMContentLoaded", function () {
    prepare(document);
    showOffline(navigator.onLine === false);
    listSavedPages();
  });

  if ("serviceWorker" in navigator) {
    window.addEventListener("load", function () {
      navigator.serviceWorker.register("/sw.js", { updateViaCache: "none" })
        .catch(function () { /* no offline copy; everything else works */ });
    });
  }
})();
