// A little plain JavaScript where it saves a click or a reload; every page works without it.
(function () {
  "use strict";

  // Forms that end a nomination or close a ballot ask once more.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) { event.preventDefault(); }
  });

  // New nomination: show only the criteria of the chosen award (others are disabled so
  // they are not sent).
  // Within an award, only the criteria for the chosen kind of nominee (individual,
  // collective, household) are shown.
  var award = document.getElementById("award_code");
  var nominee = document.getElementById("nominee");
  function showAttestations() {
    var chosen = award ? award.value : "";
    var kind = nominee && nominee.value ? nominee.value.split(":")[0] : "";
    document.querySelectorAll("fieldset.attestations").forEach(function (set) {
      var visible = 0;
      set.querySelectorAll("[data-recipients]").forEach(function (field) {
        var kinds = field.getAttribute("data-recipients");
        var on = set.getAttribute("data-award") === chosen &&
          (!kinds || !kind || kinds.split(" ").indexOf(kind) >= 0);
        field.hidden = !on;
        field.querySelectorAll("input").forEach(function (input) { input.disabled = !on; });
        if (on) { visible += 1; }
      });
      set.hidden = visible === 0;
    });
    // The dossier files of the chosen award only (without a choice, none).
    document.querySelectorAll("fieldset.dossier-files").forEach(function (set) {
      var on = set.getAttribute("data-files-award") === chosen;
      set.hidden = !on;
      set.querySelectorAll("input").forEach(function (input) { input.disabled = !on; });
    });
  }
  if (award) {
    award.addEventListener("change", showAttestations);
    if (nominee) { nominee.addEventListener("change", showAttestations); }
    showAttestations();
  }

  // New nomination: proposing oneself or one's own household is warned about at once.
  var selfWarning = document.getElementById("self-proposal-warning");
  if (nominee && selfWarning) {
    nominee.addEventListener("change", function () {
      var option = nominee.options[nominee.selectedIndex];
      selfWarning.hidden = !(option && option.getAttribute("data-self") === "yes");
    });
  }

  // Campaign registration: only the titles for the chosen registrant (the unit, a
  // collective; or a person) are shown, the other group disabled so it is not sent.
  var registrant = document.getElementById("register-registrant");
  function showAwardGroups() {
    var kind = registrant.value === "unit" ? "unit" : "person";
    document.querySelectorAll("fieldset.award-group").forEach(function (group) {
      var on = group.getAttribute("data-registrant") === kind;
      group.hidden = !on;
      group.querySelectorAll("input").forEach(function (input) { input.disabled = !on; });
    });
  }
  if (registrant) {
    registrant.addEventListener("change", showAwardGroups);
    showAwardGroups();
  }

  // «Tìm» boxes (a unit's list cut at its limit): Enter in the box searches, as its button
  // does. Enter elsewhere in the form does the form's own action (its unseen first button,
  // pages/_macros.html); without this script Enter in the box does that too.
  document.querySelectorAll(".choices-search input").forEach(function (box) {
    box.addEventListener("keydown", function (event) {
      // Not while an input method (Vietnamese Telex, VNI) is composing a letter.
      if (event.key !== "Enter" || event.isComposing || !box.form) { return; }
      var find = box.parentNode.querySelector('button[value="find"]');
      if (!find) { return; }
      event.preventDefault();
      if (box.form.requestSubmit) { box.form.requestSubmit(find); } else { find.click(); }
    });
  });

  // Council session: refresh who has voted every 15 seconds while the ballot is open.
  var progress = document.querySelector("[data-session-progress]");
  var status = document.getElementById("session-status");
  if (progress && status && status.getAttribute("data-status") === "open" && window.fetch) {
    var id = progress.getAttribute("data-session-progress");
    window.setInterval(function () {
      fetch("/api/v1/council-sessions/" + id, { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) {
          if (!data) { return; }
          data.members.forEach(function (m) {
            var li = document.querySelector('[data-member="' + m.member_id + '"]');
            if (li && m.has_voted && li.getAttribute("data-voted") !== "yes") { window.location.reload(); }
          });
          if (data.status !== "open") { window.location.reload(); }
        })
        .catch(function () {});
    }, 15000);
  }
})();
