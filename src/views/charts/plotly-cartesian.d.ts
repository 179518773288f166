// plotly.js's cartesian partial bundle has the same API as the full one (its types).
declare module 'plotly.js-cartesian-dist-min' {
  import Plotly from 'plotly.js-dist-min';
  export default Plotly;
}
