import type { EntityType } from '../../../../shared/pii/types';
import type { OperatorKind } from '../../../../shared/pii/operators';
import type { ColumnAction, Generalisation } from '../../../../shared/pii/tables';

/**
 * Colours per group of entity types. Colour is never the only cue: every highlight also carries
 * its type's short label, and decisions differ by border style and a mark, for colour-blind readers.
 */
const GROUP_COLOURS = {
  person: '#3b6fd8',
  organisation: '#8a4fd1',
  place: '#2e8b57',
  time: '#d9822b',
  contact: '#0f8a8f',
  identifier: '#c43d6b',
  financial: '#8d6e2c',
} as const;

const GROUP_OF: Record<EntityType, keyof typeof GROUP_COLOURS> = {
  PERSON: 'person',
  ORGANIZATION: 'organisation',
  LOCATION: 'place',
  ADDRESS: 'place',
  POSTCODE: 'place',
  DATE: 'time',
  AGE: 'time',
  PHONE: 'contact',
  FAX: 'contact',
  EMAIL: 'contact',
  URL: 'contact',
  IP_ADDRESS: 'contact',
  DEVICE_ID: 'identifier',
  SSN: 'identifier',
  NATIONAL_ID: 'identifier',
  TAX_ID: 'identifier',
  PASSPORT: 'identifier',
  DRIVER_LICENSE: 'identifier',
  LICENSE: 'identifier',
  NPI: 'identifier',
  MEDICAL_RECORD: 'identifier',
  HEALTH_PLAN: 'identifier',
  NHS: 'identifier',
  ACCOUNT: 'financial',
  CREDIT_CARD: 'financial',
  IBAN: 'financial',
  VEHICLE_ID: 'identifier',
  BUSINESS_ID: 'identifier',
  OTHER_ID: 'identifier',
};

/** The colour of a type's highlights and legend swatch. */
export function typeColour(type: EntityType): string {
  return GROUP_COLOURS[GROUP_OF[type]];
}

/** Words for a type, for labels and menus. */
export const TYPE_NAMES: Record<EntityType, string> = {
  PERSON: 'Person',
  ORGANIZATION: 'Organisation',
  LOCATION: 'Place',
  ADDRESS: 'Address',
  POSTCODE: 'Postcode',
  DATE: 'Date',
  AGE: 'Age',
  PHONE: 'Phone',
  FAX: 'Fax',
  EMAIL: 'Email',
  URL: 'URL',
  IP_ADDRESS: 'IP address',
  DEVICE_ID: 'Device id',
  SSN: 'SSN',
  NATIONAL_ID: 'National id',
  TAX_ID: 'Tax id',
  PASSPORT: 'Passport',
  DRIVER_LICENSE: 'Driver licence',
  LICENSE: 'Licence',
  NPI: 'NPI',
  MEDICAL_RECORD: 'Medical record',
  HEALTH_PLAN: 'Health plan',
  NHS: 'NHS number',
  ACCOUNT: 'Account',
  CREDIT_CARD: 'Card',
  IBAN: 'IBAN',
  VEHICLE_ID: 'Vehicle id',
  BUSINESS_ID: 'Business id',
  OTHER_ID: 'Other id',
};

export const OPERATOR_NAMES: Record<OperatorKind, string> = {
  keep: 'kept',
  redact: 'redacted',
  mask: 'masked',
  placeholder: 'typed placeholder',
  pseudonym: 'pseudonym',
  date_shift: 'date shift',
  generalise: 'generalised',
};

export const COLUMN_ACTION_NAMES: Record<ColumnAction, string> = {
  keep: 'Keep',
  drop: 'Drop column',
  redact: 'Redact cells',
  mask: 'Mask cells',
  placeholder: 'Placeholder',
  pseudonym: 'Pseudonym',
  generalise: 'Generalise',
  spans: 'Replace detected spans',
};

export const GENERALISATION_NAMES: Record<Generalisation, string> = {
  age_band: 'Age to 10-year band',
  zip3: 'ZIP to 3 digits',
  date_year: 'Date to year',
};

export function percent(value: number): string {
  return `${Math.round(value * 100)} %`;
}
