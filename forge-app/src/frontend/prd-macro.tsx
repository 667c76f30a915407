// UI Kit entry of the prd-macro resource (manifest.yml).
import ForgeReconciler from '@forge/react';
import { StrictMode } from 'react';
import { PrdMacroApp } from './prd-macro-app';

ForgeReconciler.render(
  <StrictMode>
    <PrdMacroApp />
  </StrictMode>,
);
