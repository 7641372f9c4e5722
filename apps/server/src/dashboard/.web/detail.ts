/** Task detail: arguments, the result or the error (class, message, fields, cause chain, worker stack), timings. */
import { duration, el, json, progress, time } from "./format.ts";
import type { Detail, ErrorData } from "./types.ts";

function errorBlock(e: ErrorData, depth: number): HTMLElement {
  const box = el(
    "div",
    { class: "error", "data-depth": String(depth) },
    el("div", { class: "error-class", "data-field": depth === 0 ? "error-class" : "cause-class" }, e.name),
    el(
      "div",
      { class: "error-message", "data-field": depth === 0 ? "error-message" : "cause-message" },
      e.message,
    ),
  );
  if (!e.isError) box.append(el("pre", {}, json(e.value)));
  if (Object.keys(e.fields).length > 0) box.append(el("pre", { class: "fields" }, json(e.fields)));
  if (e.stack)
    box.append(el("pre", { class: "stack", "data-field": depth === 0 ? "stack" : "cause-stack" }, e.stack));
  if (e.cause) box.append(el("h4", {}, "cause"), errorBlock(e.cause, depth + 1));
  return box;
}

export function renderDetail(root: HTMLElement, d: Detail, onClose: () => void): void {
  const close = el("button", { type: "button", id: "detail-close" }, "close");
  close.addEventListener("click", onClose);
  // Without a start time (the source did not see it start) only the whole span is known.
  const started = d.startedAt !== null;
  const waited = started ? duration(Math.max(0, (d.startedAt as number) - d.submittedAt)) : "—";
  const timings = el(
    "dl",
    { class: "timings" },
    el("dt", {}, "submitted"),
    el("dd", {}, time(d.submittedAt)),
    el("dt", {}, "started"),
    el("dd", {}, time(d.startedAt)),
    el("dt", {}, "finished"),
    el("dd", {}, time(d.finishedAt)),
    el("dt", {}, "waited"),
    el("dd", {}, waited),
    el("dt", {}, started ? "ran" : "took (from submit)"),
    el("dd", {}, duration(d.durationMs)),
  );
  const outcome =
    d.error !== null
      ? el("div", {}, el("h3", {}, "error"), errorBlock(d.error, 0))
      : d.status === "FINISHED"
        ? el("div", {}, el("h3", {}, "result"), el("pre", { "data-field": "result" }, json(d.value)))
        : el("div", {}, el("h3", {}, "result"), el("p", {}, "not yet"));
  root.replaceChildren(
    el("h2", {}, "Task ", el("code", { "data-field": "id" }, d.id), " ", close),
    el(
      "p",
      {},
      `${d.pool} · ${d.task} · `,
      el("span", { class: `status ${d.status.toLowerCase()}`, "data-field": "status" }, d.status),
      " ",
      progress(d.progress),
    ),
    timings,
    el("h3", {}, "arguments"),
    el("pre", { "data-field": "args" }, d.args === null ? "(not kept)" : json(d.args)),
    outcome,
  );
  root.dataset.id = d.id;
  root.dataset.status = d.status;
  root.hidden = false;
}
