import { html } from "htm/preact";
import type { VNode } from "preact";
import { useEffect } from "preact/hooks";

// Picks a free slot on the /bookings grid with a pointer: press on a free cell, drag down or up
// the same column over free cells, release; the booking form below is filled (resource, day,
// start, end) and brought into view, and goes through the same preview step as without
// JavaScript. A plain click on a free cell fills the form the same way. Without this island
// each free cell is a link that fills the form on the server.

/** A free cell: its column and row, and what its link fills (`hourEnd`: the end a plain click books, an hour when free). */
type Slot = { col: string; row: number; resource: string; day: string; start: string; end: string; hourEnd: string };

function slotOf(el: Element | null): Slot | null {
  const a = el?.closest<HTMLAnchorElement>("a.calendar-slot");
  const td = a?.parentElement;
  if (!a || !td) return null;
  const d = a.dataset;
  const hourEnd = new URL(a.href, location.href).searchParams.get("end") ?? d.end ?? "";
  return { col: td.dataset.col ?? "", row: Number(td.dataset.row), resource: d.resource ?? "", day: d.day ?? "", start: d.start ?? "", end: d.end ?? "", hourEnd };
}

function setField(form: HTMLFormElement, name: string, value: string): void {
  const el = form.elements.namedItem(name);
  if (el instanceof HTMLInputElement || el instanceof HTMLSelectElement) el.value = value;
}

export default function BookingPicker({ hint }: { hint: string }): VNode {
  useEffect(() => {
    const grid = document.querySelector<HTMLElement>(".calendar-grid");
    const form = document.getElementById("booking-form");
    if (!grid || !(form instanceof HTMLFormElement)) return;
    let first: Slot | null = null;
    let last: Slot | null = null;
    let marked: Element[] = [];
    const mark = () => {
      for (const el of marked) el.classList.remove("calendar-picking");
      marked = [];
      if (!first || !last) return;
      const [lo, hi] = first.row <= last.row ? [first.row, last.row] : [last.row, first.row];
      for (let r = lo; r <= hi; r++) {
        const cell: Element | null = grid.querySelector(`td[data-col="${first.col}"][data-row="${r}"]`);
        if (cell) {
          cell.classList.add("calendar-picking");
          marked.push(cell);
        }
      }
    };
    const fill = () => {
      if (!first || !last) return;
      const [a, b] = first.row <= last.row ? [first, last] : [last, first];
      setField(form, "resourceId", a.resource);
      setField(form, "date", a.day);
      setField(form, "start", a.start);
      // A plain click (no drag) books as the link would: an hour when the next half hour is free.
      setField(form, "end", a === b ? a.hourEnd : b.end);
      form.scrollIntoView({ behavior: "smooth", block: "start" });
      form.querySelector<HTMLElement>("[name=title]")?.focus({ preventScroll: true });
    };
    const down = (e: PointerEvent) => {
      const s = slotOf(e.target as Element);
      if (!s || e.button !== 0 || e.pointerType === "touch") return;
      e.preventDefault();
      first = last = s;
      mark();
    };
    const move = (e: PointerEvent) => {
      if (!first) return;
      const s = slotOf(document.elementFromPoint(e.clientX, e.clientY));
      if (!s || s.col !== first.col) return;
      // Only over free cells that touch: stop at the first busy or closed one.
      const step = s.row >= first.row ? 1 : -1;
      let reach = first;
      for (let r = first.row + step; step > 0 ? r <= s.row : r >= s.row; r += step) {
        const next = slotOf(grid.querySelector(`td[data-col="${first.col}"][data-row="${r}"] a.calendar-slot`));
        if (!next) break;
        reach = next;
      }
      last = reach;
      mark();
    };
    const up = () => {
      if (!first) return;
      fill();
      first = last = null;
      setTimeout(mark, 1500);
    };
    const click = (e: MouseEvent) => {
      const s = slotOf(e.target as Element);
      if (!s) return;
      e.preventDefault();
      if (!marked.length) {
        first = last = s;
        fill();
        first = last = null;
      }
    };
    grid.addEventListener("pointerdown", down);
    window.addEventListener("pointermove", move);
    window.addEventListener("pointerup", up);
    grid.addEventListener("click", click);
    return () => {
      grid.removeEventListener("pointerdown", down);
      window.removeEventListener("pointermove", move);
      window.removeEventListener("pointerup", up);
      grid.removeEventListener("click", click);
    };
  }, []);
  return html`<p class="calendar-drag-hint">${hint}</p>`;
}
