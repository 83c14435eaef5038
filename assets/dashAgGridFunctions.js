// Functions the data grids name in their column definitions (pages/_components.figures_grid). dash-ag-grid
// looks them up here by name and runs them without eval, so the Content-Security-Policy stays strict.
var dagfuncs = (window.dashAgGridFunctions = window.dashAgGridFunctions || {});

// A number written the Dutch way (1.234,5); suppression marks and other text stay as they are.
dagfuncs.nlNumber = function (value, decimals) {
  if (value === null || value === undefined || value === "") {
    return "\u2013";
  }
  if (typeof value !== "number") {
    return String(value);
  }
  return value.toLocaleString("nl-NL", {minimumFractionDigits: decimals, maximumFractionDigits: decimals});
};

// Sort key of a cell: a number as itself, "<5" just below 5, any other mark or an empty cell lowest.
function rblSortKey(value) {
  if (typeof value === "number") {
    return value;
  }
  var match = /^<(\d+)$/.exec(String(value || ""));
  return match ? Number(match[1]) - 0.5 : -Infinity;
}

dagfuncs.nlCompare = function (a, b) {
  var x = rblSortKey(a);
  var y = rblSortKey(b);
  return x === y ? 0 : x < y ? -1 : 1;
};

// Enter on a focused cell does what a click on it does (a grid's `cellClicked`), so a keyboard reaches what a
// mouse reaches: on /verzuim, Enter on a school's row opens its detail. Named in the grid's eventListeners.
dagfuncs.rblEnterClicks = function (params, setGridProps) {
  var event = params.event;
  if (!event || event.key !== "Enter") {
    return;
  }
  setGridProps({cellClicked: {value: params.value, colId: params.column.getColId(), rowIndex: params.rowIndex,
                              rowId: params.node.id, timestamp: Date.now()}});
};
