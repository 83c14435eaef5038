/* Keyboard and screen-reader repairs for Dash 4's dropdown (dcc.Dropdown), kept in one place until Dash fixes them:
   - its tab stop is a hidden <input aria-hidden="true"> that passes focus on to the real button: a focusable
     element hidden from screen readers (axe: aria-hidden-focus). The button itself becomes the tab stop;
   - the button is named by its value only: the visible <label for=...> is added to its name.
   A MutationObserver applies both to every dropdown a page or callback draws. */
(function () {
  function repair(root) {
    root.querySelectorAll('.dash-dropdown-wrapper').forEach(function (wrapper) {
      var target = wrapper.querySelector(':scope > .dash-dropdown-focus-target');
      var button = wrapper.querySelector(':scope > button.dash-dropdown');
      if (!button) { return; }
      if (target && target.getAttribute('tabindex') !== '-1') { target.setAttribute('tabindex', '-1'); }
      if (button.getAttribute('tabindex') !== '0' && !button.disabled) { button.setAttribute('tabindex', '0'); }
      var label = button.id ? document.querySelector('label[for="' + CSS.escape(button.id) + '"]') : null;
      if (label) {
        if (!label.id) { label.id = button.id + '-label'; }
        var names = (button.getAttribute('aria-labelledby') || '').split(' ');
        if (names[0] !== label.id) { button.setAttribute('aria-labelledby', [label.id].concat(names).join(' ').trim()); }
      }
    });
  }
  function start() {
    repair(document);
    new MutationObserver(function () { repair(document); }).observe(document.body, {
      subtree: true, childList: true, attributes: true, attributeFilter: ['tabindex', 'aria-labelledby'],
    });
  }
  if (document.readyState === 'loading') { document.addEventListener('DOMContentLoaded', start); } else { start(); }
})();

/* The buttons under every chart (pages/_chart_frame.py): "Afbeelding (PNG)" asks plotly for its own drawing of the
   chart; "Gegevens (CSV)" writes the chart's table (the one in "Tabel bij deze grafiek") in the product's CSV
   dialect: ';' between fields, the numbers as shown (decimal comma), UTF-8 with BOM, CRLF. Nothing leaves the
   browser: the figures are already on the page. */
(function () {
  function field(text) {
    var value = String(text).trim();
    if (/^[=+@\t\r]/.test(value) || /^-[^0-9]/.test(value)) { value = "'" + value; }  // never a spreadsheet formula
    return /[;"\r\n]/.test(value) ? '"' + value.replace(/"/g, '""') + '"' : value;
  }
  function tableCsv(table) {
    return Array.prototype.map.call(table.querySelectorAll('tr'), function (row) {
      return Array.prototype.map.call(row.querySelectorAll('th, td'), function (cell) {
        return field(cell.textContent);
      }).join(';');
    }).join('\r\n') + '\r\n';
  }
  function save(blob, filename) {
    var link = document.createElement('a');
    link.href = typeof blob === 'string' ? blob : URL.createObjectURL(blob);
    link.download = filename;
    document.body.appendChild(link);
    link.click();
    setTimeout(function () { if (typeof blob !== 'string') { URL.revokeObjectURL(link.href); } link.remove(); }, 1000);
  }
  document.addEventListener('click', function (event) {
    var button = event.target.closest ? event.target.closest('.rbl-chart-png, .rbl-chart-csv') : null;
    if (!button) { return; }
    var name = button.getAttribute('data-filename') || 'grafiek';
    if (button.classList.contains('rbl-chart-csv')) {
      var table = document.getElementById(button.getAttribute('data-table'));
      if (table) { save(new Blob(['\ufeff' + tableCsv(table)], {type: 'text/csv;charset=utf-8'}), name + '.csv'); }
      return;
    }
    var holder = document.getElementById(button.getAttribute('data-graph'));
    var plot = holder && (holder.classList.contains('js-plotly-plot') ? holder : holder.querySelector('.js-plotly-plot'));
    if (plot && window.Plotly) {
      // a data: URL as it comes (the CSP allows no fetch of it)
      window.Plotly.toImage(plot, {format: 'png', scale: 2}).then(function (url) { save(url, name + '.png'); });
    }
  });
})();
