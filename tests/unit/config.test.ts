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
    });
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
