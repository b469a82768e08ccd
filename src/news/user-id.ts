/** What a user id may be: part of keys (`feed:{uid}`) and of URLs (`/users/{uid}/feed`). */
export const USER_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
export const USER_ID_RULE = '1-64 characters of letters, digits, _ or -';
