export { ServiceCalendar, serviceCalendar, isOpen, nextOpening, isOpenFor, nextOpeningFor, WEEKDAY_HOURS, WEEKEND_HOURS, type OpeningHours } from './serviceCalendar';
export { BATCH_WINDOW, isInBatchWindow, nextBatchWindow, type BatchWindowSpan } from './batchWindow';
export { londonLocalDate, londonWallTime, londonInstant, londonOffsetMinutes, formatLondonWeekdayTime, type LondonWallTime } from './londonTime';
export { ENGLAND_AND_WALES_BANK_HOLIDAYS, readBankHolidays, type BankHoliday, type BankHolidayList } from './bankHolidays';
