// Times are epoch milliseconds from the server, shown in the browser's time zone.

const timeFmt = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const dayFmt = new Intl.DateTimeFormat(undefined, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
const shortDayFmt = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' });

export const time = (at) => timeFmt.format(new Date(at));

export function dayKey(at) {
  const d = new Date(at);
  return `${d.getFullYear()}-${d.getMonth()}-${d.getDate()}`;
}

export function dayLabel(at) {
  const today = new Date();
  const yesterday = new Date(Date.now() - 86400000);
  const key = dayKey(at);
  if (key === dayKey(today)) return 'Today';
  if (key === dayKey(yesterday)) return 'Yesterday';
  return dayFmt.format(new Date(at));
}

/** Sidebar: time today, otherwise the date. */
export function when(at) {
  if (!at) return '';
  return dayKey(at) === dayKey(Date.now()) ? time(at) : shortDayFmt.format(new Date(at));
}

export function size(bytes) {
  if (bytes == null) return '';
  const units = ['B', 'KB', 'MB', 'GB'];
  let n = bytes;
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${n < 10 && i > 0 ? n.toFixed(1) : Math.round(n)} ${units[i]}`;
}

export function duration(ms) {
  if (!ms && ms !== 0) return '';
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}
