import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../runtime/config.js';

const ZALO = { ZALO_APP_ID: '123', ZALO_APP_SECRET: 's', ZALO_OA_SECRET_KEY: 'k', ZALO_ACCESS_TOKEN: 'a', ZALO_REFRESH_TOKEN: 'r' };

describe('configuration', () => {
  it('has no Zalo credentials by default (npm start runs the double)', () => {
    expect(loadConfig({}).zalo).toBeUndefined();
  });

  it('takes all five Zalo credentials together, with the default base URLs', () => {
    expect(loadConfig(ZALO).zalo).toEqual({
      appId: '123',
      appSecret: 's',
      oaSecretKey: 'k',
      accessToken: 'a',
      refreshToken: 'r',
      apiBaseUrl: 'https://openapi.zalo.me',
      oauthBaseUrl: 'https://oauth.zaloapp.com',
      businessBaseUrl: 'https://business.openapi.zalo.me',
    });
  });

  it('accepts webhook deliveries up to 3 hours old by default (Zalo retries for about 2) and keeps dedupe keys at least 7 days', () => {
    expect(loadConfig({}).ZALO_WEBHOOK_MAX_AGE_SECONDS).toBe(10_800);
    expect(loadConfig({}).ZALO_DEDUPE_DAYS).toBeGreaterThanOrEqual(7);
    expect(() => loadConfig({ ZALO_DEDUPE_DAYS: '3' })).toThrow(/ZALO_DEDUPE_DAYS/);
  });

  it('takes SMTP_URL and MAIL_FROM together, or neither', () => {
    expect(loadConfig({}).mail).toBeUndefined();
    expect(loadConfig({ SMTP_URL: 'smtp://mail.example.gov.vn:587', MAIL_FROM: 'Nhắc việc <nhacviec@example.gov.vn>' }).mail).toEqual({
      url: 'smtp://mail.example.gov.vn:587',
      from: 'Nhắc việc <nhacviec@example.gov.vn>',
    });
    expect(() => loadConfig({ SMTP_URL: 'smtp://mail.example.gov.vn' })).toThrow(/SMTP_URL and MAIL_FROM/);
    expect(() => loadConfig({ SMTP_URL: 'mail.example.gov.vn', MAIL_FROM: 'x@y.vn' })).toThrow(/SMTP_URL/);
  });

  it('refuses some Zalo credentials without the others, naming what is missing', () => {
    expect(() => loadConfig({ ZALO_APP_ID: '123', ZALO_APP_SECRET: 's' })).toThrow(/missing ZALO_OA_SECRET_KEY, ZALO_ACCESS_TOKEN, ZALO_REFRESH_TOKEN/);
  });

  it('reads empty variables as unset (docker compose passes ${X:-} as "")', () => {
    expect(loadConfig({ ZALO_APP_ID: '', ZALO_APP_SECRET: '', ZALO_OA_SECRET_KEY: '', ZALO_ACCESS_TOKEN: '', ZALO_REFRESH_TOKEN: '', PORT: '' }).zalo).toBeUndefined();
    expect(loadConfig({ PORT: '' }).PORT).toBe(3000);
  });

  it('refuses a base URL that is not a URL', () => {
    expect(() => loadConfig({ ...ZALO, ZALO_API_BASE_URL: 'openapi.zalo.me' })).toThrow(/ZALO_API_BASE_URL/);
  });
});
