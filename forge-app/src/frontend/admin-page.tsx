// UI Kit entry of the admin-page resource (manifest.yml).
import ForgeReconciler from '@forge/react';
import { StrictMode } from 'react';
import { AdminPageApp } from './admin-page-app';

ForgeReconciler.render(
  <StrictMode>
    <AdminPageApp />
  </StrictMode>,
);
