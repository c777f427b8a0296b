const SECONDS_PER_DAY = 86_400;

function pad2(value: number): string {
  return value < 10 ? `0${value}` : `${value}`;
}

/**
 * ISO-8601 UTC text of a Unix time in whole seconds, the same as `new Date(s * 1000).toISOString()`
 * for years 0 to 9999 at a tenth of its cost (it runs once per record). Outside that range it
 * defers to `Date`, which prints the extended-year form.
 *
 * Days to civil date: Howard Hinnant, "chrono-Compatible Low-Level Date Algorithms", civil_from_days.
 *
 * @example isoTimestampFromUnixSeconds(1418530010) // '2014-12-14T04:06:50.000Z'
 */
export function isoTimestampFromUnixSeconds(unixSeconds: number): string {
  const days = Math.floor(unixSeconds / SECONDS_PER_DAY);
  const secondOfDay = unixSeconds - days * SECONDS_PER_DAY;
  if (!Number.isInteger(unixSeconds)) {
    return new Date(unixSeconds * 1000).toISOString();
  }
  // The records of a batch mostly fall on one day: reuse its date text.
  if (days !== lastDays) {
    lastDatePrefix = datePrefix(days);
    lastDays = days;
  }
  if (lastDatePrefix === undefined) {
    return new Date(unixSeconds * 1000).toISOString();
  }
  const hours = Math.floor(secondOfDay / 3600);
  const minutes = Math.floor((secondOfDay % 3600) / 60);
  const seconds = secondOfDay % 60;
  return `${lastDatePrefix}${pad2(hours)}:${pad2(minutes)}:${pad2(seconds)}.000Z`;
}

let lastDays = Number.NaN;
let lastDatePrefix: string | undefined;

/** `YYYY-MM-DDT` of a day number, or undefined outside years 0 to 9999. */
function datePrefix(days: number): string | undefined {
  const shifted = days + 719_468;
  const era = Math.floor(shifted / 146_097);
  const dayOfEra = shifted - era * 146_097;
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthIndex = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * monthIndex + 2) / 5) + 1;
  const month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  if (year < 0 || year > 9999) {
    return undefined;
  }
  return `${String(year).padStart(4, '0')}-${pad2(month)}-${pad2(day)}T`;
}
