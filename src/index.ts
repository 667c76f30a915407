// Forge function entry: Forge resolves `index.<handler>` from manifest.yml under src/ beside the manifest.
export {
  adminHandler,
  epicActionHandler,
  issuePanelHandler,
  prdMacroHandler,
} from '../forge-app/src/index';
