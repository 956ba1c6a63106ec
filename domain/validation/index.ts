export type { FieldError, ValidationContext, ValidationResult } from './fieldErrors';
export { validateImportRequest } from './validateImportRequest';
export { validateExportRequest } from './validateExportRequest';
export { validateTraumaRequest, MAX_TRAUMA_STUDIES } from './validateTraumaRequest';
export { validateCdImportRequest, MAX_CDS_PER_REQUEST } from './validateCdImportRequest';
export { messages as validationMessages } from './messages';
export { MAX_AGE_YEARS, TEXT_LIMITS } from './fields';
