// The shapes the /bookings pages (web/pages/bookings) read: the calendar's bookings, a booking,
// a preview, and the calendar grid of the day and week views.
export type { BookingView, CalendarItem, PreviewAnswer, Problem } from "./service";
export type { CalendarAsk, CalendarRange, CalendarView, CellState, Grid, GridCell, GridColumn, GridResource } from "./calendar-view";
export type { BookingFormValues } from "./form";
