"""Generic browser-UI building blocks shared by every app: lists, exports, imports."""
