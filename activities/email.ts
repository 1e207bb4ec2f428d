// E-mail, the channel outside Zalo: SMTP through nodemailer (`SMTP_URL`, `MAIL_FROM`). A mailbox
// the server refuses for good (5xx on the recipient) is a refusal for that person; anything else
// (connection, 4xx) is a fault and the activity retries.
import nodemailer, { type Transporter } from 'nodemailer';
import { KIND_SUMMARIES, type Notification } from '../domain/notification.js';
import type { ChannelSender, SendOutcome } from './delivery.js';

export interface MailConfig {
  url: string;
  from: string;
}

export function mailTransport(cfg: MailConfig): Transporter {
  return nodemailer.createTransport(cfg.url, { from: cfg.from });
}

/** Subject and body of a notification as an e-mail; the commands it offers are spelled out, since a mail has no buttons. */
export function mailOf(n: Notification, text: string): { subject: string; text: string } {
  const subject = `[Đề án 06] ${KIND_SUMMARIES[n.kind]}${n.taskRef ? ` — nhiệm vụ ${n.taskRef}` : ''}`;
  const commands = n.actions.map((a) => `«${a.payload}»`).join(', ');
  const footer = commands
    ? `\n\nĐồng chí có thể trả lời bằng cách nhắn cho Zalo OA của cơ quan một trong các lệnh: ${commands}.`
    : '';
  return { subject, text: `${text}${footer}\n\n— Hệ thống theo dõi thực hiện Đề án 06 (thư tự động, vui lòng không trả lời thư này).` };
}

export function emailSender(transport: Transporter, from: string): ChannelSender {
  return {
    async send(_c, { reach }, n, text, key): Promise<SendOutcome> {
      const mail = mailOf(n, text);
      try {
        // The key as Message-ID: a mail server that saw it already may drop a repeat.
        await transport.sendMail({ from, to: reach.email!, subject: mail.subject, text: mail.text, messageId: `<${encodeURIComponent(key)}@de-an-06>` });
        return { ok: true };
      } catch (err) {
        const e = err as { responseCode?: number; code?: string };
        if (e.responseCode && e.responseCode >= 500 && e.code === 'EENVELOPE')
          return { ok: false, code: e.responseCode, reason: `máy chủ thư từ chối địa chỉ (mã ${e.responseCode})`, scope: 'person' };
        throw err;
      }
    },
  };
}
