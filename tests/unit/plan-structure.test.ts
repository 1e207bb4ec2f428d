// The importer's failure classes seen on real plans (issue 10), each with a small document of its
// own, written from the class and not cut from any one file.
import { describe, expect, it } from 'vitest';
import type { Block, PlanDocument, TableCell } from '../../domain/document.js';
import { sourceText, textDocument } from '../../domain/document.js';
import { orgSchema } from '../../domain/org.js';
import { importPlanDocument } from '../../domain/plan-import.js';
import { parseDeadlinePhrase } from '../../domain/deadline-phrase.js';
import { columnMeaning } from '../../domain/plan-table.js';
import { extractPlan, extractPlanDocument } from '../../domain/plan-text.js';

const NEUTRAL = orgSchema.parse({
  agency: { name: 'Cơ quan thử' },
  people: [{ id: 'a', name: 'A', title: 'Giám đốc' }],
  units: [{ code: 'ZZ', name: 'Đơn vị không có trong văn bản', kind: 'Phòng', head: 'a' }],
  leadership: { director: 'a' },
});
const prose = (text: string) => extractPlan(text).tasks.map((t) => ({ ref: t.ref, content: t.content, units: t.unitsText, support: t.supportText, deadline: t.deadlineText }));
const grid = (rows: (string | { text: string; from: [number, number] })[][]): Block => ({
  kind: 'table',
  rows: rows.map((r) => r.map((c): TableCell => (typeof c === 'string' ? { text: c } : c))),
  source: { table: 0 },
});
const doc = (...blocks: Block[]): PlanDocument => ({ format: 'docx', blocks });
const para = (text: string, label?: string): Block => ({ kind: 'paragraph', text, ...(label ? { label } : {}), source: {} });

describe('tables', () => {
  it('reads a header by meaning whatever its wording, and an extra column shifts nothing', () => {
    const t = extractPlanDocument(
      doc(
        grid([
          ['Số TT', 'Nội dung công việc', 'Cấp độ', 'Đơn vị chủ trì', 'Đơn vị phối hợp', 'Sản phẩm', 'Tiến độ hoàn thành'],
          ['1', 'Cập nhật dữ liệu dân cư', '3', 'Công an tỉnh', 'Sở Tư pháp', 'Báo cáo', 'Quý III/2027'],
        ]),
      ),
    ).tasks;
    expect(t).toMatchObject([{ ref: '1', content: 'Cập nhật dữ liệu dân cư', unitsText: 'Công an tỉnh', supportText: 'Sở Tư pháp', deadlineText: 'Quý III/2027' }]);
    expect(t[0]).toMatchObject({ source: { table: 0, row: 1 }, how: { units: 'column', deadline: 'column' } });
  });

  it('a second table in the same document has its own columns; header rows are never tasks', () => {
    const t = extractPlanDocument(
      doc(
        grid([
          ['TT', 'Nhiệm vụ', 'Cơ quan chủ trì', 'Thời gian'],
          ['1', 'Nhiệm vụ một', 'Sở A', 'Năm 2026'],
        ]),
        para('Phụ lục II'),
        grid([
          ['STT', 'Thời hạn', 'Nội dung', 'Kết quả', 'Chủ trì', 'Phối hợp'],
          ['1', 'Quý I/2026', 'Nhiệm vụ hai', 'Kế hoạch', 'Sở B', 'Sở C'],
        ]),
      ),
    ).tasks;
    expect(t.map((x) => [x.content, x.unitsText, x.supportText, x.deadlineText])).toEqual([
      ['Nhiệm vụ một', 'Sở A', undefined, 'Năm 2026'],
      ['Nhiệm vụ hai', 'Sở B', 'Sở C', 'Quý I/2026'],
    ]);
  });

  it('a header split over two lines ("Cơ quan thực hiện" over "Chủ trì | Phối hợp") and repeated on the next page', () => {
    const header: [string, string][] = [];
    void header;
    const t = extractPlanDocument(
      doc(
        grid([
          ['TT', 'Nhiệm vụ', 'Cơ quan thực hiện', { text: 'Cơ quan thực hiện', from: [0, 2] }, 'Thời gian'],
          [{ text: 'TT', from: [0, 0] }, { text: 'Nhiệm vụ', from: [0, 1] }, 'Chủ trì', 'Phối hợp', { text: 'Thời gian', from: [0, 4] }],
          ['1', 'Nhiệm vụ một', 'Sở A', 'Sở B', 'Tháng 6/2026'],
          ['TT', 'Nhiệm vụ', 'Cơ quan thực hiện', { text: 'Cơ quan thực hiện', from: [3, 2] }, 'Thời gian'],
          ['2', 'Nhiệm vụ hai', 'Sở C', 'Sở D', 'Tháng 9/2026'],
        ]),
      ),
    ).tasks;
    expect(t.map((x) => [x.ref, x.unitsText, x.supportText])).toEqual([
      ['1', 'Sở A', 'Sở B'],
      ['2', 'Sở C', 'Sở D'],
    ]);
  });

  it('a row title is its own text, not its section heading; section rows open groups', () => {
    const t = extractPlanDocument(
      doc(
        grid([
          ['TT', 'Nhiệm vụ', 'Chủ trì', 'Thời gian'],
          ['II', 'Nhóm nhiệm vụ về dịch vụ công', { text: 'Nhóm nhiệm vụ về dịch vụ công', from: [1, 1] }, { text: 'Nhóm nhiệm vụ về dịch vụ công', from: [1, 1] }],
          ['1', 'Số hóa hồ sơ', 'Sở A', 'Năm 2026'],
        ]),
      ),
    ).tasks;
    expect(t).toMatchObject([{ ref: 'II.1', group: 'Nhóm nhiệm vụ về dịch vụ công', content: 'Số hóa hồ sơ', unitsText: 'Sở A', deadlineText: 'Năm 2026' }]);
  });

  it('a unit named once for a block of rows (a merged cell) leads every row of the block', () => {
    const t = extractPlanDocument(
      doc(
        grid([
          ['TT', 'Nhiệm vụ', 'Đơn vị thực hiện', 'Thời gian'],
          ['1', 'Việc một', 'Sở Tư pháp', 'Quý I/2026'],
          ['2', 'Việc hai', { text: 'Sở Tư pháp', from: [1, 2] }, 'Quý II/2026'],
          ['3', 'Việc ba', { text: 'Sở Tư pháp', from: [1, 2] }, 'Quý III/2026'],
        ]),
      ),
    ).tasks;
    expect(t.map((x) => x.unitsText)).toEqual(['Sở Tư pháp', 'Sở Tư pháp', 'Sở Tư pháp']);
  });

  it('the same task merged down over rows that give it to other units is one task per unit', () => {
    const t = extractPlanDocument(
      doc(
        grid([
          ['TT', 'Nhiệm vụ', 'Sản phẩm', 'Chủ trì', 'Thời gian'],
          ['2', 'Ban hành kế hoạch kiểm tra', 'Kế hoạch của tỉnh', 'Sở Nội vụ', 'Tháng 1/2026'],
          [{ text: '2', from: [1, 0] }, { text: 'Ban hành kế hoạch kiểm tra', from: [1, 1] }, 'Kế hoạch tự kiểm tra', 'Các cơ quan, đơn vị', 'Tháng 2/2026'],
        ]),
      ),
    ).tasks;
    expect(t.map((x) => [x.ref, x.content, x.unitsText, x.deadlineText])).toEqual([
      ['2', 'Ban hành kế hoạch kiểm tra', 'Sở Nội vụ', 'Tháng 1/2026'],
      ['2-2', 'Ban hành kế hoạch kiểm tra', 'Các cơ quan, đơn vị', 'Tháng 2/2026'],
    ]);
  });

  it('a row continued on the next page (no number) adds to the task above', () => {
    const t = extractPlanDocument(
      doc(
        grid([
          ['TT', 'Nhiệm vụ', 'Chủ trì', 'Phối hợp', 'Thời gian'],
          ['1', 'Kết nối hệ thống một cửa', 'Sở A', 'Sở B;', 'Quý II/2026'],
          ['', 'với Cổng Dịch vụ công quốc gia', '', 'Sở C', ''],
        ]),
      ),
    ).tasks;
    expect(t).toMatchObject([{ ref: '1', content: 'Kết nối hệ thống một cửa với Cổng Dịch vụ công quốc gia', unitsText: 'Sở A', supportText: 'Sở B; Sở C', deadlineText: 'Quý II/2026' }]);
  });

  it('a table with no task column and no lead (an inspection schedule, a list of schools) gives no tasks', () => {
    expect(
      extractPlanDocument(
        doc(
          grid([
            ['STT', 'Đơn vị được kiểm tra', 'Thời gian kiểm tra'],
            ['1', 'Sở Y tế', 'Tháng 3/2026'],
          ]),
        ),
      ).tasks,
    ).toEqual([]);
  });

  it('classifies header cells by meaning', () => {
    expect(['STT', 'Nhiệm vụ, giải pháp', 'Cơ quan chủ trì', 'Cơ quan phối hợp', 'Thời gian thực hiện', 'Sản phẩm', 'Cấp độ', 'Ghi chú', 'Trách nhiệm thực hiện'].map(columnMeaning)).toEqual([
      'ordinal',
      'task',
      'lead',
      'support',
      'deadline',
      'result',
      'level',
      'note',
      'lead',
    ]);
  });
});

describe('prose', () => {
  it('lettered items a) … đ) are task boundaries, and "- Đơn vị chủ trì:" labels are read', () => {
    const t = prose(
      [
        'III. NHIỆM VỤ VÀ GIẢI PHÁP',
        'a) Rà soát thủ tục hành chính.',
        '- Đơn vị chủ trì: Sở Tư pháp.',
        '- Đơn vị phối hợp: Công an tỉnh.',
        '- Thời gian hoàn thành: Quý II/2026.',
        'đ) Cập nhật dữ liệu.',
        'Đơn vị chủ trì: Công an tỉnh',
        'Thời gian: Thường xuyên',
      ].join('\n'),
    );
    expect(t).toEqual([
      { ref: 'III.a', content: 'Rà soát thủ tục hành chính.', units: 'Sở Tư pháp', support: 'Công an tỉnh', deadline: 'Quý II/2026' },
      { ref: 'III.đ', content: 'Cập nhật dữ liệu.', units: 'Công an tỉnh', support: undefined, deadline: 'Thường xuyên' },
    ]);
  });

  it('tasks in any section, not only II; explanatory sections (mục đích, yêu cầu) give none', () => {
    const t = prose(
      [
        'I. MỤC ĐÍCH, YÊU CẦU',
        '1. Sở Nội vụ chủ trì bảo đảm tiến độ chung.',
        'IV. TỔ CHỨC THỰC HIỆN',
        '1. Sở Tư pháp chủ trì, phối hợp với Sở Tài chính rà soát văn bản; hoàn thành trong Quý I/2026.',
        '2. Tổng hợp kết quả, báo cáo Ủy ban nhân dân tỉnh.',
      ].join('\n'),
    );
    expect(t.map((x) => [x.ref, x.units, x.support, x.deadline])).toEqual([
      ['IV.1', 'Sở Tư pháp', 'Sở Tài chính', 'trong Quý I/2026'],
      ['IV.2', undefined, undefined, undefined],
    ]);
  });

  it('a unit heading passes its unit to the items under it, lettered or plain paragraphs', () => {
    const t = prose(
      ['V. TỔ CHỨC THỰC HIỆN', '1. Sở Nội vụ', 'a) Hướng dẫn các đơn vị.', 'b) Tổng hợp báo cáo.', '2. Các cơ quan, đơn vị được kiểm tra', 'Chuẩn bị báo cáo theo đề cương.', 'Bố trí thành phần làm việc.', '3. Các sở, ban, ngành; UBND các xã, phường', 'a) Tổ chức tuyên truyền.', '4. Sở Tư pháp: Lồng ghép tuyên truyền với phổ biến pháp luật.'].join('\n'),
    );
    expect(t.map((x) => [x.content, x.units])).toEqual([
      ['Hướng dẫn các đơn vị.', 'Sở Nội vụ'],
      ['Tổng hợp báo cáo.', 'Sở Nội vụ'],
      ['Chuẩn bị báo cáo theo đề cương.', 'Các cơ quan, đơn vị được kiểm tra'],
      ['Bố trí thành phần làm việc.', 'Các cơ quan, đơn vị được kiểm tra'],
      ['Tổ chức tuyên truyền.', 'Các sở, ban, ngành; UBND các xã, phường'],
      ['Sở Tư pháp: Lồng ghép tuyên truyền với phổ biến pháp luật.', 'Sở Tư pháp'],
    ]);
  });

  it('units named inline: before the verb, after "giao", after a lead-in clause, after a dash at the end', () => {
    const t = prose(
      [
        'II. NỘI DUNG',
        '1. Phân tích đề thi năm 2025 – Trường THPT Cao Lãnh 2 thực hiện.',
        '2. Chủ tịch UBND tỉnh giao Sở Nội vụ chủ trì phối hợp với các ngành có liên quan tổ chức kiểm tra.',
        '3. Căn cứ Kế hoạch này, các cơ quan, đơn vị, địa phương xây dựng kế hoạch trước ngày 15/3/2026.',
        '4. Phong trào thi đua phải được tổ chức thường xuyên.',
        '5. Giao C04 phối hợp với V01 giúp lãnh đạo Bộ theo dõi, đôn đốc.',
        '6. Căn cứ Kế hoạch này, đề nghị các đơn vị, địa phương triển khai thực hiện.',
        '7. Ban Chỉ đạo Chuyển đổi số thành phố chủ trì tổ chức điểm cầu.',
      ].join('\n'),
    );
    expect(t.map((x) => [x.ref, x.units, x.support, x.deadline])).toEqual([
      ['II.1', 'Trường THPT Cao Lãnh 2', undefined, undefined],
      ['II.2', 'Sở Nội vụ', 'các ngành có liên quan', undefined],
      ['II.3', 'các cơ quan, đơn vị, địa phương', undefined, 'trước ngày 15/3/2026'],
      // Units named by their code in ministry plans; "giao", "đề nghị" are not part of the unit.
      ['II.5', 'C04', 'V01', undefined],
      ['II.6', 'các đơn vị, địa phương', undefined, undefined],
      // An agency whose name holds a verb ("Ban Chỉ đạo") is not cut at it.
      ['II.7', 'Ban Chỉ đạo Chuyển đổi số thành phố', undefined, undefined],
    ]);
  });

  it('a lead-in whose last sentence has its own subject ("Riêng <unit> …:") gives the dashes after it that unit; "<unit>: <task>" after them is a task of its own', () => {
    const t = prose(
      [
        'III. PHÂN CÔNG THỰC HIỆN',
        '1. Đối với Ủy ban nhân dân cấp xã',
        'Đề nghị Ủy ban nhân dân cấp xã chỉ đạo các trường chuẩn bị báo cáo. Riêng Ủy ban nhân dân phường An Bình cử đại diện lãnh đạo dự họp và chỉ đạo:',
        '- Bố trí phòng họp.',
        '- Chuẩn bị xe đưa đón.',
        'Các trường trung học phổ thông: Chuẩn bị báo cáo theo đề cương.',
      ].join('\n'),
    );
    expect(t.map((x) => [x.content, x.units])).toEqual([
      ['Đề nghị Ủy ban nhân dân cấp xã chỉ đạo các trường chuẩn bị báo cáo. Riêng Ủy ban nhân dân phường An Bình cử đại diện lãnh đạo dự họp và chỉ đạo:', 'Ủy ban nhân dân cấp xã'],
      ['Bố trí phòng họp.', 'Ủy ban nhân dân phường An Bình'],
      ['Chuẩn bị xe đưa đón.', 'Ủy ban nhân dân phường An Bình'],
      ['Các trường trung học phổ thông: Chuẩn bị báo cáo theo đề cương.', 'Các trường trung học phổ thông'],
    ]);
  });

  it('a section of targets and tasks: its "Mục tiêu" items explain, its other items assign', () => {
    const t = prose(
      [
        'I. MỤC TIÊU, NHIỆM VỤ',
        '1. Cải cách thể chế',
        'a) Mục tiêu',
        '- 100% văn bản được kiểm tra theo quy định.',
        'b) Nhiệm vụ',
        '- Sở Tư pháp chủ trì rà soát văn bản quy phạm pháp luật.',
        '- Các cơ quan Trung ương đóng trên địa bàn tỉnh phối hợp giải quyết thủ tục hành chính.',
      ].join('\n'),
    );
    expect(t.map((x) => x.units)).toEqual(['Sở Tư pháp', 'Các cơ quan Trung ương đóng trên địa bàn tỉnh']);
  });

  it('a procedure section (kinh phí, khen thưởng) gives work only to a named unit; a statement of aims only with a deadline', () => {
    const t = prose(
      [
        'I. MỤC ĐÍCH, YÊU CẦU',
        '1. Mục đích',
        'Các cơ quan, đơn vị nâng cao nhận thức về cải cách hành chính.',
        'II. TIÊU CHUẨN KHEN THƯỞNG',
        '1. Giấy khen của Giám đốc Sở',
        'Căn cứ Kế hoạch này, các cơ quan, đơn vị trực thuộc chủ động xây dựng tiêu chuẩn khen thưởng.',
        'Tập thể, cá nhân có thành tích xuất sắc được xét khen thưởng.',
        'III. KINH PHÍ',
        'a) Kinh phí được bố trí từ ngân sách nhà nước.',
        'b) Các cơ quan, đơn vị căn cứ nhiệm vụ được giao, đề xuất bố trí kinh phí.',
      ].join('\n'),
    );
    expect(t.map((x) => [x.ref, x.units])).toEqual([
      ['II.1.1', 'các cơ quan, đơn vị trực thuộc'],
      ['III.b', 'Các cơ quan, đơn vị'],
    ]);
  });

  it('items listed inside one paragraph ("1. C04: (1) …; (2) …", or marks a scan could not number) are tasks of the unit before them', () => {
    const t = prose(
      [
        'IV. PHÂN CÔNG NHIỆM VỤ',
        '1. C04: (1) Chủ trì, phối hợp với V01 chuẩn bị nội dung Hội nghị gồm: bài phát biểu khai mạc; (2) Tuyên bố lý do; (3) Chủ trì xây dựng phóng sự.',
        '2. V01: (•) Chủ trì chuẩn bị kịch bản; (•) Bài phát biểu chỉ đạo.',
      ].join('\n'),
    );
    expect(t.map((x) => [x.ref, x.units, x.content])).toEqual([
      ['IV.1.(1)', 'C04', 'Chủ trì, phối hợp với V01 chuẩn bị nội dung Hội nghị gồm: bài phát biểu khai mạc.'],
      ['IV.1.(2)', 'C04', 'Tuyên bố lý do.'],
      ['IV.1.(3)', 'C04', 'Chủ trì xây dựng phóng sự.'],
      ['IV.2.(1)', 'V01', 'Chủ trì chuẩn bị kịch bản.'],
      ['IV.2.(2)', 'V01', 'Bài phát biểu chỉ đạo.'],
    ]);
  });

  it('"…, như:" then dashes is one task with its examples; a scan\'s "9," is a number; a company is a unit', () => {
    const t = prose(
      [
        'III. TỔ CHỨC THỰC HIỆN',
        '1. Các đơn vị, địa phương triển khai thực hiện các mặt công tác, như:',
        '- Cấp phép đúng quy định.',
        '- Tập huấn, tuyên truyền.',
        '9, VNPT Sơn La',
        'Đảm bảo đường truyền Internet.',
      ].join('\n'),
    );
    expect(t.map((x) => [x.ref, x.units, x.content])).toEqual([
      ['III.1', 'Các đơn vị, địa phương', 'Các đơn vị, địa phương triển khai thực hiện các mặt công tác, như: - Cấp phép đúng quy định. - Tập huấn, tuyên truyền.'],
      ['III.9.1', 'VNPT Sơn La', 'Đảm bảo đường truyền Internet.'],
    ]);
  });

  it('an item whose dashes give its fields is one task; its other dashes are details; people by office lead', () => {
    const t = prose(
      [
        'II. NỘI DUNG, PHÂN CÔNG TRÁCH NHIỆM THỰC HIỆN',
        '1.1. Xây dựng và ban hành hướng dẫn công tác bầu cử.',
        '- Bảo đảm thống nhất với hướng dẫn cấp trên.',
        '- Thời gian hoàn thành: Tháng 11/2025.',
        '- Đơn vị chủ trì: Đồng chí Phó chủ tịch Thường trực',
        '- Đơn vị phối hợp: Các đồng chí Chuyên viên.',
        '1.2 Theo dõi, tổng hợp số liệu.',
        '- Thời gian hoàn thành: Quý I/2026;',
        '- Đơn vị chủ trì: Đồng chí Phó chủ tịch Thường trực',
        'III. TỔ CHỨC THỰC HIỆN',
        '1. Phó chủ tịch phụ trách lĩnh vực Công tác Xã hội',
        '- Định kỳ tổng hợp, báo cáo tình hình dư luận.',
      ].join('\n'),
    );
    expect(t.map((x) => [x.ref, x.units, x.deadline])).toEqual([
      ['II.1.1', 'Đồng chí Phó chủ tịch Thường trực', 'Tháng 11/2025'],
      ['II.1.2', 'Đồng chí Phó chủ tịch Thường trực', 'Quý I/2026;'],
      ['III.1.1', 'Phó chủ tịch phụ trách lĩnh vực Công tác Xã hội', undefined],
    ]);
    expect(t[0]!.content).toBe('Xây dựng và ban hành hướng dẫn công tác bầu cử. - Bảo đảm thống nhất với hướng dẫn cấp trên.');
  });

  it('a block of fields after the last of several items: steps of one task share it with their item; fieldless tasks of one group each take it', () => {
    const t = prose(
      [
        'II. NHIỆM VỤ VÀ GIẢI PHÁP',
        '1. Cải cách thủ tục hành chính',
        '1.1. Rà soát thủ tục hành chính thuộc thẩm quyền.',
        '- Thời gian hoàn thành: Quý II/2026.',
        '- Đơn vị chủ trì: Văn phòng Sở',
        '1.2. Tổ chức số hóa hồ sơ theo ba bước:',
        'a) Bước một: chậm nhất ngày 15/3/2026.',
        'b) Bước hai: chậm nhất ngày 30/4/2026.',
        '- Thời gian hoàn thành: Quý III/2026.',
        '- Đơn vị chủ trì: Phòng Hành chính – Tổng hợp',
        '- Kết quả: Hồ sơ được số hóa.',
        '2. Kiểm tra, giám sát',
        '2.1. Kiểm tra việc giải quyết hồ sơ.',
        '2.2. Tổng hợp khó khăn, vướng mắc.',
        '2.3. Báo cáo kết quả kiểm tra.',
        '- Thời gian thực hiện: Quý IV/2026.',
        '- Đơn vị chủ trì: Thanh tra Sở',
        '- Đơn vị phối hợp: Văn phòng Sở.',
      ].join('\n'),
    );
    expect(t.map((x) => [x.ref, x.units, x.support, x.deadline])).toEqual([
      ['II.1.1.1', 'Văn phòng Sở', undefined, 'Quý II/2026'],
      ['II.1.1.2', 'Phòng Hành chính – Tổng hợp', undefined, 'Quý III/2026'],
      ['II.2.2.1', 'Thanh tra Sở', 'Văn phòng Sở', 'Quý IV/2026'],
      ['II.2.2.2', 'Thanh tra Sở', 'Văn phòng Sở', 'Quý IV/2026'],
      ['II.2.2.3', 'Thanh tra Sở', 'Văn phòng Sở', 'Quý IV/2026'],
    ]);
    expect(t[1]!.content).toMatch(/^Tổ chức số hóa hồ sơ theo ba bước: \(a\)|^Tổ chức số hóa hồ sơ theo ba bước: - Bước một/);
  });

  it('deadlines inside the sentence: "chậm nhất là ngày …", a leading "Trước khi …:" clause', () => {
    const t = prose(
      [
        'II. TỔ CHỨC THỰC HIỆN',
        '1. Các sở, ban, ngành xây dựng kế hoạch, gửi Sở Nội vụ chậm nhất là ngày 15/4/2026.',
        '2. Trước khi tiến hành kiểm tra: Sở Nội vụ thông báo lịch kiểm tra đến các đơn vị.',
      ].join('\n'),
    );
    expect(t.map((x) => [x.units, x.deadline])).toEqual([
      ['Các sở, ban, ngành', 'chậm nhất là ngày 15/4/2026'],
      ['Sở Nội vụ', 'Trước khi tiến hành kiểm tra'],
    ]);
  });

  it('a task that is itself "Phối hợp với <unit> …" names its supporting unit even without a lead', () => {
    const t = prose(['IV. TỔ CHỨC THỰC HIỆN', '- Phối hợp với giáo viên các trường THPT thực hiện báo cáo tham luận.'].join('\n'));
    expect(t.map((x) => [x.units, x.support])).toEqual([[undefined, 'giáo viên các trường THPT']]);
  });

  it('Word numbering labels count like typed ones', () => {
    const t = extractPlanDocument(doc(para('TỔ CHỨC THỰC HIỆN', 'III.'), para('Sở Y tế chủ trì triển khai tiêm chủng.', 'a)'), para('Sở Giáo dục phối hợp tuyên truyền.', 'b)'))).tasks;
    expect(t.map((x) => [x.ref, x.unitsText])).toEqual([
      ['III.a', 'Sở Y tế'],
      ['III.b', 'Sở Giáo dục'],
    ]);
  });

  it('body tasks and an appendix task table after the signature are both read', () => {
    const t = extractPlanDocument(
      doc(
        para('TỔ CHỨC THỰC HIỆN', 'IV.'),
        para('Sở Nội vụ chủ trì theo dõi, đôn đốc thực hiện Kế hoạch.', '1.'),
        para('KT. CHỦ TỊCH'),
        para('PHỤ LỤC: PHÂN CÔNG THỰC HIỆN NHIỆM VỤ'),
        grid([
          ['STT', 'Nhiệm vụ', 'Chủ trì', 'Thời gian'],
          ['1', 'Số hóa hồ sơ', 'Sở A', 'Năm 2026'],
        ]),
      ),
    ).tasks;
    expect(t.map((x) => [x.content, x.unitsText])).toEqual([
      ['Sở Nội vụ chủ trì theo dõi, đôn đốc thực hiện Kế hoạch.', 'Sở Nội vụ'],
      ['Số hóa hồ sơ', 'Sở A'],
    ]);
  });

  it('a table copied out of a PDF one cell per line, row numbers alone on their lines, a task wrapped over two lines', () => {
    const text = [
      'PHÂN CÔNG NHIỆM VỤ',
      'TT',
      'Nhiệm vụ',
      'Cơ quan chủ trì',
      'Cơ quan phối hợp',
      'Thời gian hoàn thành',
      'I',
      'Nhóm nhiệm vụ về dữ liệu',
      '1',
      'Làm sạch dữ liệu dân cư',
      'Công an tỉnh',
      'Sở Tư pháp',
      'Quý II/2026',
      '2',
      'Kết nối hệ thống một cửa điện tử',
      'với Cổng Dịch vụ công quốc gia',
      'Văn phòng UBND tỉnh',
      'Sở Khoa học và Công nghệ',
      'Năm 2026',
      'Nơi nhận:',
    ].join('\n');
    expect(extractPlan(text).tasks.map((t) => [t.ref, t.group, t.content, t.unitsText, t.supportText, t.deadlineText])).toEqual([
      ['I.1', 'Nhóm nhiệm vụ về dữ liệu', 'Làm sạch dữ liệu dân cư', 'Công an tỉnh', 'Sở Tư pháp', 'Quý II/2026'],
      ['I.2', 'Nhóm nhiệm vụ về dữ liệu', 'Kết nối hệ thống một cửa điện tử với Cổng Dịch vụ công quốc gia', 'Văn phòng UBND tỉnh', 'Sở Khoa học và Công nghệ', 'Năm 2026'],
    ]);
  });

  it('a plain-text table reads like a Word one', () => {
    const t = extractPlanDocument(textDocument('TT | Nhiệm vụ | Cơ quan chủ trì | Thời gian |\n1 | Việc một | Sở A | Năm 2026 |')).tasks;
    expect(t).toMatchObject([{ ref: '1', content: 'Việc một', unitsText: 'Sở A', deadlineText: 'Năm 2026' }]);
  });
});

describe('the header', () => {
  it('the issuer is the last line of the agency block, a wrapped name joined, the motto and the number left out', () => {
    const header = (left: string) =>
      extractPlanDocument(
        doc(grid([[left, 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc']]), para('KẾ HOẠCH'), para('Triển khai Đề án 06 năm 2026')),
      ).header;
    expect(header('UBND TỈNH ĐỒNG THÁP\nSỞ GIÁO DỤC VÀ ĐÀO TẠO\nSố: 362 /KH-SGDĐT')).toMatchObject({ agency: 'SỞ GIÁO DỤC VÀ ĐÀO TẠO', number: '362/KH-SGDĐT', title: 'Triển khai Đề án 06 năm 2026' });
    expect(header('ỦY BAN NHÂN DÂN\nTỈNH LÂM ĐỒNG\n-------\nSố: /KH-UBND').agency).toBe('ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG');
    // Without a header table: the paragraphs before the document's kind.
    const plain = extractPlanDocument(doc(para('BỘ CÔNG AN'), para('Số: 589/KH-BCA-C04'), para('KẾ HOẠCH'), para('Tổ chức Hội nghị'))).header;
    expect(plain).toMatchObject({ agency: 'BỘ CÔNG AN', number: '589/KH-BCA-C04' });
  });
});

describe('where each value came from', () => {
  it('a task keeps its source, and what was read into the text is marked for the admin to check', () => {
    const d: PlanDocument = {
      format: 'pdf',
      blocks: [
        { kind: 'paragraph', text: 'IV. TỔ CHỨC THỰC HIỆN', source: { page: 2, line: 1 } },
        { kind: 'paragraph', text: '1. Sở Nội vụ', source: { page: 2, line: 2 } },
        { kind: 'paragraph', text: 'a) Tổng hợp báo cáo trong Quý I/2026.', source: { page: 2, line: 3 } },
        { kind: 'paragraph', text: 'b) Rà soát văn bản.', source: { page: 3, line: 1 } },
        { kind: 'paragraph', text: '- Đơn vị chủ trì: Sở Tư pháp', source: { page: 3, line: 2 } },
        { kind: 'paragraph', text: '- Thời gian: Năm 2026', source: { page: 3, line: 3 } },
      ],
    };
    const imported = importPlanDocument(d, NEUTRAL);
    expect(imported.tasks.map((t) => [t.ref, sourceText(t.source), t.uncertain.map((u) => u.vi)])).toEqual([
      ['IV.1.a', 'trang 2, dòng 3', ['đơn vị chủ trì suy ra từ tiêu đề nhóm', 'thời hạn suy ra từ câu văn']],
      ['IV.1.b', 'trang 3, dòng 1', []],
    ]);
    // An admin's correction is the admin's word: no longer marked.
    const edited = importPlanDocument(d, NEUTRAL, { 'IV.1.a': { units: 'Sở Nội vụ', deadline: 'Quý I/2026' } });
    expect(edited.tasks[0]!.uncertain).toEqual([]);
    // Everything read from a scan is marked.
    expect(importPlanDocument({ ...d, ocr: true }, NEUTRAL).tasks[1]!.uncertain.map((u) => u.field)).toEqual(['task']);
    expect(sourceText({ table: 1, row: 4 })).toBe('bảng 2, hàng 5');
  });
});

describe('deadline phrases seen in real plans', () => {
  it.each([
    ['Quý III/2027', '2027-09-30'],
    ['Trong năm 2023, 2024', '2024-12-31'],
    ['Từ tháng 3/2026\nđến tháng 9/2026', '2026-09-30'],
  ])('%s', (phrase, due) => {
    expect(parseDeadlinePhrase(phrase, { year: 2026 })).toMatchObject({ kind: 'date', due });
  });

  it('"Hằng năm và từng giai đoạn" is yearly', () => {
    expect(parseDeadlinePhrase('Hằng năm và từng giai đoạn')).toMatchObject({ kind: 'recurring', cycle: 'yearly' });
  });
});
