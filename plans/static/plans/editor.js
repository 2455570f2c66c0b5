// The draft editor (plans/templates/plans/edit/draft_edit.html): one section open at a time from the outline,
// formatting buttons, autosave of the sections being typed in, and no edit lost by leaving the page.
// Without this script the page is a plain form: every section still opens, and "Save draft" saves them all.

const AUTOSAVE_DELAY_MS = 2000; // after the writer stops typing
const RETRY_DELAY_MS = 10000; // after a failed connection

const form = document.getElementById("draft-form");
const statusBox = document.getElementById("autosave-status");

// --- Sections open on their own -------------------------------------------------------------------------

function openTarget(id) {
  const target = id && document.getElementById(id);
  if (!target) return;
  const section = target.closest("details.edit-section");
  if (section) {
    section.open = true;
    target.scrollIntoView({ block: "start" });
  }
}

function openFromHash() {
  openTarget(decodeURIComponent(window.location.hash.slice(1)));
}

window.addEventListener("hashchange", openFromHash);
document.addEventListener("click", (event) => {
  const link = event.target instanceof Element ? event.target.closest('a[href^="#"]') : null;
  if (link) openTarget(decodeURIComponent(link.getAttribute("href").slice(1)));
});
openFromHash();

// --- Formatting buttons -----------------------------------------------------------------------------------

const TABLE_SKELETON = "| Column 1 | Column 2 |\n| --- | --- |\n|  |  |\n";

function insertTable(textarea) {
  textarea.focus();
  const before = textarea.value.slice(0, textarea.selectionStart);
  // A table is a block of its own: a blank line before it unless it starts the text.
  const lead = before === "" || before.endsWith("\n\n") ? "" : before.endsWith("\n") ? "\n" : "\n\n";
  const text = lead + TABLE_SKELETON;
  const start = textarea.selectionStart;
  // execCommand keeps the browser's undo history; setRangeText is the fallback.
  if (!document.execCommand("insertText", false, text)) {
    textarea.setRangeText(text, textarea.selectionStart, textarea.selectionEnd, "end");
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
  }
  // The first heading is selected: the writer types the column's name over it.
  const first = start + lead.length + 2;
  textarea.setSelectionRange(first, first + "Column 1".length);
}

for (const toolbar of document.querySelectorAll("markdown-toolbar")) {
  toolbar.hidden = false;
  const table = toolbar.querySelector("[data-insert-table]");
  const field = document.getElementById(toolbar.getAttribute("for"));
  if (table && field) table.addEventListener("click", () => insertTable(field));
}

// --- Autosave ---------------------------------------------------------------------------------------------

const dirtySections = new Set(); // keys of sections typed in since their last save
let summaryDirty = false;
let otherDirty = false; // keys, a new section's title: saved only by the form's buttons
let blocked = ""; // set once someone else saved the draft: autosave stops, the reason stays shown
let timer = null;
let inFlight = null;
let submitting = false;

function setStatus(text, state) {
  if (!statusBox) return;
  statusBox.hidden = false;
  statusBox.textContent = text;
  statusBox.dataset.state = state;
}

function sectionOf(element) {
  return element.closest("details.edit-section[data-section-key]");
}

function fieldOf(section, name) {
  return section.querySelector(`[name$="-${name}"]`);
}

function markUnsaved(section, unsaved) {
  const marker = section.querySelector(".edit-section__unsaved");
  if (marker) marker.hidden = !unsaved;
}

function hasUnsaved() {
  return dirtySections.size > 0 || summaryDirty || otherDirty || inFlight !== null;
}

function schedule(delay = AUTOSAVE_DELAY_MS) {
  if (blocked || form.hasAttribute("data-autosave-paused")) return;
  window.clearTimeout(timer);
  timer = window.setTimeout(save, delay);
}

function payload() {
  const sent = [];
  for (const key of dirtySections) {
    const section = form.querySelector(`details.edit-section[data-section-key="${CSS.escape(key)}"]`);
    if (section) {
      sent.push({ key, title: fieldOf(section, "title").value, body: fieldOf(section, "body").value });
    }
  }
  const data = { loaded: form.elements.loaded.value, sections: sent };
  if (summaryDirty) data.change_summary = form.elements.change_summary.value;
  return data;
}

async function post(data) {
  const response = await fetch(form.dataset.autosaveUrl, {
    method: "POST",
    credentials: "same-origin",
    redirect: "manual", // signed out: the login redirect must not read as a success
    headers: {
      "Content-Type": "application/json",
      Accept: "application/json",
      "X-CSRFToken": form.elements.csrfmiddlewaretoken.value,
    },
    body: JSON.stringify(data),
  });
  const json = (response.headers.get("Content-Type") || "").startsWith("application/json")
    ? await response.json()
    : null;
  return { response, json };
}

function reasonOf(response, json) {
  if (json && json.message) return json.message;
  if (response.type === "opaqueredirect") return "you were signed out; sign in again in another tab, then keep typing.";
  if (response.status === 403) return "you may no longer edit this draft.";
  if (response.status === 404) return "this draft is no longer there; reload the page.";
  return `the server answered ${response.status}; keep this page open and try “Save draft”.`;
}

// Saves what is unsaved now; true when everything sent was saved.
async function save() {
  window.clearTimeout(timer);
  if (inFlight) {
    await inFlight;
    return save(); // what was typed meanwhile

  }
  if (blocked || form.hasAttribute("data-autosave-paused")) return false;
  if (dirtySections.size === 0 && !summaryDirty) return true;
  const data = payload();
  setStatus("Saving…", "saving");
  let done;
  inFlight = new Promise((resolve) => (done = resolve));
  try {
    const { response, json } = await post(data);
    if (response.ok && json && json.saved) {
      form.elements.loaded.value = json.loaded;
      // A section typed in again while this save was on its way stays unsaved.
      for (const sent of data.sections) {
        const section = form.querySelector(`details.edit-section[data-section-key="${CSS.escape(sent.key)}"]`);
        if (section && fieldOf(section, "title").value === sent.title && fieldOf(section, "body").value === sent.body) {
          dirtySections.delete(sent.key);
          markUnsaved(section, false);
        }
      }
      if ("change_summary" in data && form.elements.change_summary.value === data.change_summary) {
        summaryDirty = false;
      }
      setStatus(`Saved ${json.saved_at_text}`, "saved");
      return true;
    }
    if (response.status === 409) blocked = reasonOf(response, json);
    setStatus(`Not saved — ${reasonOf(response, json)}`, "error");
    return false;
  } catch {
    setStatus("Not saved — no connection to Concord; trying again in a few seconds.", "error");
    schedule(RETRY_DELAY_MS);
    return false;
  } finally {
    inFlight = null;
    done();
    if (!blocked && (dirtySections.size > 0 || summaryDirty)) schedule();
  }
}

if (form && form.dataset.autosaveUrl) {
  if (form.hasAttribute("data-autosave-paused")) {
    setStatus("Autosave is paused: correct the fields marked below, then press “Save draft”.", "paused");
  }

  form.addEventListener("input", (event) => {
    const field = event.target;
    if (!(field instanceof HTMLElement) || !field.name) return;
    const section = sectionOf(field);
    if (section && /-(title|body)$/.test(field.name)) {
      dirtySections.add(section.dataset.sectionKey);
      markUnsaved(section, true);
      schedule();
    } else if (field.name === "change_summary") {
      summaryDirty = true;
      schedule();
    } else if (field.name !== "csrfmiddlewaretoken") {
      otherDirty = true;
    }
  });

  // A button of the form saves everything on the page: first let an autosave on its way finish, so the
  // form carries the draft's new stamp and is not refused as someone else's save.
  form.addEventListener("submit", (event) => {
    if (inFlight) {
      event.preventDefault();
      const submitter = event.submitter;
      inFlight.then(() => form.requestSubmit(submitter));
      return;
    }
    window.clearTimeout(timer);
    submitting = true;
  });

  // Preview and Publish… save first; they never leave with edits unsaved.
  for (const link of document.querySelectorAll("a[data-save-first]")) {
    link.addEventListener("click", async (event) => {
      if (!hasUnsaved()) return;
      event.preventDefault();
      const saved = await save();
      if (!saved) return; // the status says why; the writer decides
      if (
        otherDirty &&
        !window.confirm("A key or a new section's title is not saved yet: leave without it? Press Cancel, then “Save draft”, to keep it.")
      ) {
        return;
      }
      otherDirty = false;
      window.location.assign(link.href);
    });
  }

  window.addEventListener("beforeunload", (event) => {
    if (submitting || !hasUnsaved()) return;
    event.preventDefault();
    event.returnValue = ""; // older browsers show their own warning only when this is set
  });
}
