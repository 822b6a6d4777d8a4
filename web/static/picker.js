// kehoach: body pickers. Suggestions come from /agencies/search, which ignores tone marks, case,
// spacing and dashes ("Van phong" finds "Văn phòng"). Without JavaScript the <datalist> stays.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("input[data-picker]").forEach((input) => {
    if (input.readOnly) return;
    input.removeAttribute("list");
    input.setAttribute("autocomplete", "off");
    const box = document.createElement("ul");
    box.className = "picker";
    box.hidden = true;
    box.setAttribute("role", "listbox");
    input.insertAdjacentElement("afterend", box);
    let timer = null;
    let asked = 0;
    let active = -1;
    const options = () => Array.from(box.children);
    const choose = (name) => {
      input.value = name;
      box.hidden = true;
      active = -1;
    };
    const mark = (index) => {
      options().forEach((li, i) => li.classList.toggle("active", i === index));
      active = index;
    };
    const show = (names) => {
      box.replaceChildren(
        ...names.map((name) => {
          const li = document.createElement("li");
          li.textContent = name;
          li.setAttribute("role", "option");
          li.addEventListener("mousedown", (event) => {
            event.preventDefault();
            choose(name);
          });
          return li;
        }),
      );
      active = -1;
      box.hidden = names.length === 0;
    };
    input.addEventListener("input", () => {
      clearTimeout(timer);
      const query = input.value.trim();
      if (query.length < 2) {
        box.hidden = true;
        return;
      }
      timer = setTimeout(async () => {
        const mine = ++asked;
        const answer = await fetch("/agencies/search?q=" + encodeURIComponent(query), {
          credentials: "same-origin",
        });
        if (!answer.ok || mine !== asked) return;
        show((await answer.json()).names);
      }, 150);
    });
    input.addEventListener("keydown", (event) => {
      const items = options();
      if (box.hidden || items.length === 0) return;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        const step = event.key === "ArrowDown" ? 1 : -1;
        mark((active + step + items.length) % items.length);
      } else if (event.key === "Enter" && active >= 0) {
        event.preventDefault();
        choose(items[active].textContent);
      } else if (event.key === "Escape") {
        box.hidden = true;
      }
    });
    input.addEventListener("blur", () => {
      box.hidden = true;
    });
  });
});
