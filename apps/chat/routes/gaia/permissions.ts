export { gaiaCaller } from '../../../../lib/gaia/caller.ts';
