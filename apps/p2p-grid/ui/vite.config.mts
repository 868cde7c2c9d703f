import { flexgridUiConfig } from '@flexgrid/ui/vite';

// `npm start` (the dev host runs the grid on :8085) or `PORT=8085 npx nx serve p2p-grid`, then
// `npx nx run p2p-grid:dev-ui` (libs/ui README "Development").
export default flexgridUiConfig({
  root: import.meta.dirname,
  outDir: '../dist/ui',
  devPort: 8085,
  icon: "<path d='M9 1 3 9h4l-1 6 6-8H8z' fill='#0b63ce'/>",
});
