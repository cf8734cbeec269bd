import type { ViewBuilder } from '../view.js';

// PLACEHOLDER until the ipam probe lands: no probe-specific tables (the findings table is always there).
export const ipamView: ViewBuilder = () => [];
