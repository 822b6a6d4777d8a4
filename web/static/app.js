// kehoach: small progressive enhancements only; every page works without JavaScript.
document.addEventListener("DOMContentLoaded", () => {
  // Ask before irreversible actions (publish, drop, merge): forms marked data-confirm.
  document.querySelectorAll("form[data-confirm]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  });
  // "Chọn tất cả": ticks every task box that belongs to the same form (form="…").
  document.querySelectorAll("input[data-check-all]").forEach((all) => {
    all.addEventListener("change", () => {
      const boxes = document.querySelectorAll(`input[type=checkbox][form="${all.dataset.checkAll}"]`);
      boxes.forEach((box) => {
        box.checked = all.checked;
      });
    });
  });
  // A refused form comes back with its reason: bring it into view.
  const refused = document.querySelector("form [role=alert]");
  if (refused) refused.scrollIntoView({ block: "center" });
  // Clicking a task in a plan review highlights its source lines.
  document.querySelectorAll("[data-lines]").forEach((el) => {
    el.addEventListener("click", () => {
      const [start, end] = el.dataset.lines.split("-").map(Number);
      document.querySelectorAll(".source li.hit").forEach((li) => li.classList.remove("hit"));
      for (let n = start; n <= end; n++) {
        const li = document.getElementById("L" + n);
        if (li) li.classList.add("hit");
      }
      const first = document.getElementById("L" + start);
      if (first) first.scrollIntoView({ block: "center", behavior: "smooth" });
    });
  });
});
