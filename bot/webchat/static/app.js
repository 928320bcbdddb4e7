/* Micro Court web chat: the litigant's and the court staff's chat client.
 *
 * Plain modern JavaScript, no build step. Talks to the server over:
 *   HTTP  /api/me, /api/demo/people, /api/demo/signin, /api/session, /api/signout,
 *         /api/telegram/session (the mini-app opened in Telegram), /api/agency/accept,
 *         /api/cases/{id}/evidence (uploads), /api/identity/* (the identity panel)
 *   WS    /ws (hello, list_cases, new_case, open_case, answer, queue, set_locale, join,
 *         link_telegram, link_code, link_answer, invite_agent, agency_queue, decide_agency,
 *         delivery_problems)
 * The page may be opened with ?join=CODE (the defendant's invitation), ?case=ID, ?verify=identity,
 * and inside Telegram with #tgWebAppData=... (signed initData, used to sign in).
 * Every string the server sends is shown with textContent, never parsed as HTML.
 */
"use strict";

(() => {
  // ---------------------------------------------------------------- strings

  const STRINGS = {
    zh: {
      app_name: "微法庭",
      tagline: "在手机上立案、送达、调解和审理民事案件",
      lang_name: "中文",
      switch_short: "EN",
      switch_label: "Switch to English",
      language: "语言",
      signin_title: "首次使用",
      demo_heading: "演示账户",
      demo_note: "演示模式：选择一个身份直接登录。",
      demo_id: "立案时填写：{name}，身份证号 {id}",
      new_litigant: "以新当事人身份开始",
      new_litigant_note: "无需注册。您的姓名和身份证号在立案过程中填写并核验。",
      signing_in: "正在登录…",
      role_litigant: "当事人",
      role_clerk: "书记员",
      role_judge: "法官",
      role_admin: "管理员",
      role_plaintiff: "原告",
      role_defendant: "被告",
      role_third_party: "第三人",
      role_agent: "代理人",
      role_court: "法院",
      my_cases: "我的案件",
      review_queue: "审查队列",
      new_filing: "新立案",
      new_filing_hint: "通过对话一步步填写起诉状，约需10分钟。",
      no_cases: "您还没有案件。点击“新立案”开始网上立案。",
      queue_empty: "目前没有待审查的立案申请。",
      next_step: "下一步：",
      plaintiff: "原告：",
      back: "返回",
      sign_out: "退出",
      court: "法院",
      received_at: "✓ 已于 {at} 确认收到",
      me: "我",
      notice: "提示",
      your_answer: "您的回答",
      type_here: "在此输入您的回答",
      send: "发送",
      continue: "继续",
      sending: "发送中…",
      waiting: "正在等待法院处理。有进展时会在此通知您。",
      no_question: "目前无需您回答。",
      choose_above: "请点击上方的按钮作答。",
      chars: "{n}/{max} 字",
      too_long_local: "已超过 {max} 字的上限，请精简后再发送。",
      send_hint_textarea: "按 Ctrl+Enter 发送",
      amount_unit: "元",
      amount_hint: "只填数字，例如 3999 或 3999.50",
      files_limit: "每个文件不超过 {mb} MB，最多 {n} 个。可接受：{accept}。",
      choose_files: "选择文件上传",
      files_done: "已上传全部文件",
      uploading: "正在上传…",
      uploaded: "已上传",
      upload_failed: "未上传",
      file_too_big: "“{name}”大小为 {size}，超过单个文件 {mb} MB 的上限，未上传。请压缩或拆分后再选择。",
      file_bad_type: "不接受“{name}”的文件类型。可接受：{accept}。",
      file_empty: "“{name}”是空文件，未上传。",
      too_many_files: "每次最多选择 {n} 个文件，多出的未上传。",
      upload_network: "“{name}”上传中断，请检查网络后重试。",
      status_pending: "发送中",
      status_failed: "未被接受",
      status_unconfirmed: "连接中断，未确认送达",
      overdue: "已逾期",
      reconnecting: "连接已断开，正在重新连接…",
      offline_send: "连接已断开，恢复后请再发送。您填写的内容仍然保留。",
      network_error: "网络错误，请稍后重试。",
      loading: "加载中…",
      case_number: "案号",
      reference: "立案编号",
      status: "状态",
      // identity (OLR 7; PIPL 28-29 separate consent to facial data)
      id_menu: "实名认证",
      id_menu_done: "已实名认证",
      id_open: "进行实名认证",
      id_prompt_hint: "需要身份证（人像面）和手机前置摄像头，约2分钟。",
      id_prompt_done: "您已完成实名认证，法院正在继续处理。",
      id_title: "实名认证",
      id_close: "关闭",
      id_steps: "认证步骤",
      id_step_n: "第{n}步，共3步",
      id_step_consent: "同意",
      id_step_reference: "身份证",
      id_step_live: "活体检测",
      id_loading: "正在读取认证状态…",
      id_unavailable: "暂时无法进行实名认证，请稍后再试。",
      id_consent_h: "人脸信息处理单独同意书",
      id_consent_intro: "为确认立案的是您本人（《人民法院在线诉讼规则》第7条），法院需要将您的面部与身份证照片进行比对。人脸信息属于敏感个人信息，依照《个人信息保护法》第28、29条，须取得您的单独同意。",
      id_consent_what: "采集什么：您身份证人像面的照片，以及开始检测后前置摄像头拍摄的约10张画面（约2.5秒）。",
      id_consent_kept: "保存什么：由照片计算出的人脸特征值（一组数字，不是图片），加密存储。",
      id_consent_selfie: "不保存什么：自拍画面只用于这一次比对，比对完成后不予保存。",
      id_consent_selfie_kept: "自拍画面：本院会将检测画面加密保存在核验记录中，供书记员复核。",
      id_consent_use: "用途：仅用于您案件的身份核验，不向对方当事人展示，不作其他用途。",
      id_consent_delete: "删除：您的案件全部结案后（法院尚未接收的立案申请不计在内），可以申请删除您的人脸信息。",
      id_consent_check: "我已阅读以上说明，单独同意法院为核验身份采集、处理我的人脸信息。",
      id_consent_no: "如不同意，请关闭本页，到法院窗口线下核验身份；您已填写的立案内容会保留。",
      id_consent_btn: "我同意",
      id_ref_h: "填写身份证信息",
      id_ref_intro: "请填写与身份证一致的姓名和号码，并拍摄身份证人像面（有照片的一面）。",
      id_from_filing: "姓名和号码已按您的立案申请填好。立案申请须由所列原告本人提出，如有误请在此更正，并在立案信息中一并修改。",
      id_name: "姓名",
      id_number: "公民身份号码",
      id_number_hint: "18位，最后一位可能是 X",
      id_photo: "身份证人像面照片",
      id_photo_pick: "拍摄或选择照片",
      id_photo_change: "重新拍摄",
      id_photo_tips: "平放在深色背景上，光线充足，四角完整、无反光、无遮挡。",
      id_photo_chosen: "已选择：{name}",
      id_photo_alt: "身份证照片预览",
      id_missing_name: "请填写姓名。",
      id_missing_number: "请填写公民身份号码。",
      id_missing_photo: "请拍摄或选择身份证人像面照片。",
      id_ref_btn: "提交并继续",
      id_uploading: "正在上传…",
      id_live_h: "活体检测",
      id_live_intro: "请到光线充足的地方，摘下口罩、帽子和墨镜，手机与眼睛平齐。开始后先正对镜头，再按屏幕上的提示做动作。",
      id_live_start: "开始检测",
      id_redo_reference: "重新填写身份证信息",
      id_camera_opening: "正在打开摄像头…",
      id_preview: "摄像头预览",
      id_get_ready: "请正对镜头，{n} 秒后开始拍摄",
      id_capturing: "正在拍摄，请现在完成动作",
      id_frames: "已拍摄 {n}/{total}",
      id_checking: "正在核验，请稍候…",
      id_turn_left: "请向左转头",
      id_turn_right: "请向右转头",
      id_blink: "请眨眨眼",
      id_attempts_left: "还可以再试 {n} 次。",
      id_try_again: "再试一次",
      id_failed_h: "这次没有通过",
      id_manual_h: "将由书记员人工核验",
      id_manual_note: "在线检测的次数已用完。书记员会人工核验您的身份，您已填写的内容都会保留。",
      id_busy: "核验服务正忙，请稍等片刻再试。",
      id_camera_h: "无法使用摄像头",
      id_camera_denied: "您没有允许本网站使用摄像头。请在浏览器的网站设置（地址栏左侧的图标）中允许使用摄像头，然后点“再试一次”。",
      id_camera_missing: "没有找到可用的摄像头，或摄像头正被其他应用占用。请关闭正在使用摄像头的应用后再试，或换一部有前置摄像头的手机。",
      id_camera_insecure: "此页面未通过安全连接（https://）打开，浏览器不允许使用摄像头。请用 https:// 地址重新打开本页。",
      id_camera_telegram: "也可以在 Telegram 中向微法庭机器人发送一张自拍照完成认证。",
      id_verified_h: "实名认证已完成",
      id_verified_note: "谢谢。法院会在对话中继续处理您的案件。",
      id_already: "您已完成实名认证，无需再次认证。",
      id_method: "认证方式：{method}",
      id_method_face_liveness: "人脸识别（活体检测）",
      id_method_face_selfie: "自拍比对",
      id_method_clerk_override: "书记员人工核验",
      id_method_demo_seed: "演示账户（预置）",
      id_done: "完成",
      id_cancel: "取消检测",
      // parties: the defendant's invitation (OLR 10), agents, linking accounts, Telegram sign-in
      more: "更多",
      account_title: "账户与关联",
      case_menu: "案件信息与操作",
      case_title: "本案",
      your_role: "您在本案中的身份",
      sheet_close: "关闭",
      party_tools: "其他加入方式",
      join_open: "用邀请码加入案件",
      join_open_hint: "被告：输入法院通知中的邀请码。",
      join_title: "用邀请码加入案件",
      join_intro: "法院通知您作为被告参加诉讼时，会附上一个邀请码或链接。请在此输入邀请码。加入案件前需完成实名认证。",
      join_code: "邀请码",
      join_btn: "加入案件",
      joining: "正在加入案件…",
      join_missing: "请输入邀请码。",
      join_pending_signin: "您正通过法院的邀请链接加入案件。请先登录，登录后会自动继续加入。",
      join_verify_note: "完成实名认证后，会自动再次尝试加入。",
      agent_open: "我是代理人",
      agent_open_hint: "律师或其他代理人：用当事人给您的验证码提交授权委托书。",
      agent_title: "作为代理人参加诉讼",
      agent_intro: "请输入当事人给您的一次性验证码，并上传当事人签署的授权委托书。您需要先完成实名认证；书记员审查通过后，您即可代当事人进行诉讼。",
      agent_code_label: "当事人给您的验证码",
      agent_file_label: "授权委托书",
      agent_file_pick: "选择授权委托书文件",
      agent_file_change: "更换文件",
      agent_file_hint: "当事人签名的授权委托书扫描件或照片（PDF 或图片）。",
      agent_file_chosen: "已选择：{name}（{size}）",
      agent_missing_code: "请输入验证码。",
      agent_missing_file: "请选择授权委托书文件。",
      agent_empty_file: "“{name}”是空文件，请重新选择。",
      agent_submit: "提交审查",
      agent_sending: "正在上传…",
      agent_done_h: "已提交，等待书记员审查",
      agent_done_note: "书记员审查授权委托书后，会在对话中通知您和当事人。",
      agent_sha: "文件指纹（SHA-256）",
      invite_agent: "委托代理人",
      invite_agent_hint: "为您的律师或其他代理人生成一次性验证码。",
      service_open: "送达记录",
      service_title: "送达记录（电子送达凭证）",
      service_none: "本案尚无送达的法院文书。",
      service_to: "受送达人：{role} {name}",
      service_to_agent: "受送达人：{role}的代理人 {name}",
      service_delivered: "{at} 到达 {address}",
      service_effective: "送达生效：{at}（到达即生效）",
      service_effective_ack: "送达生效：{at}（受送达人确认收到）",
      service_effective_read: "送达生效：{at}（受送达人已阅读，推定送达）",
      service_not_effective: "尚未生效：未到达受送达人使用的地址，待其打开案件查看或确认收到后生效",
      addr_web: "网页版",
      addr_web_unused: "网页版收件箱（受送达人未使用）",
      service_pending: "尚未送达",
      service_acknowledged: "✓ 受送达人已于 {at} 确认收到（{via}）",
      service_unacknowledged: "受送达人尚未确认收到",
      service_via_web: "网页版",
      invite_title: "委托代理人",
      invite_getting: "正在生成验证码…",
      invite_again: "重新获取",
      copy_code: "复制验证码",
      copied: "已复制",
      link_tg: "关联 Telegram",
      link_tg_hint: "也在 Telegram 中接收法院消息；两个渠道共用一个身份。",
      link_title: "关联 Telegram",
      link_loading: "正在生成关联链接…",
      link_intro: "点击下面的按钮，在 Telegram 中打开微法庭机器人并点“开始”（Start）。链接10分钟内有效，只能使用一次。",
      link_open: "在 Telegram 中打开",
      link_manual: "如果按钮打不开，也可以在 Telegram 中向机器人发送：",
      link_unavailable: "本院尚未设置 Telegram 机器人，暂时无法关联 Telegram。",
      link_enter: "输入机器人提供的验证码",
      link_enter_hint: "已在 Telegram 中使用微法庭？向机器人发送 /link，把收到的验证码填在这里。",
      link_code_label: "机器人提供的验证码",
      link_code_btn: "关联账户",
      link_confirm_yes: "确认关联",
      link_confirm_no: "不是我的，取消",
      link_lost: "回答前连接中断，未作关联。请向机器人发送 /link 获取新的验证码。",
      link_linking: "正在关联…",
      link_missing: "请输入验证码。",
      link_done: "已关联。您现在以“{name}”的身份登录，网页和 Telegram 共用一个身份。",
      tg_signing_in: "正在通过 Telegram 登录…",
      tg_signin_failed: "无法通过 Telegram 登录。请从聊天中重新打开小程序，或在下方登录。",
      // staff: powers of attorney and failed deliveries
      agents_tab: "代理人审查",
      agents_empty: "目前没有待审查的授权委托书。",
      agent_for: "{role}的代理人",
      agency_who: "代理人 {agent}，委托人 {party}",
      agency_company: "代表公司：{company}",
      poa_file: "授权委托书：{name}",
      accept: "接受",
      refuse: "不予接受",
      refuse_reason: "不予接受的理由（将告知当事人和代理人）",
      refuse_confirm: "确认不予接受",
      refuse_missing: "请填写不予接受的理由。",
      cancel: "取消",
      decided_accept: "已接受 {reference} 的授权委托书。",
      decided_refuse: "已不予接受 {reference} 的授权委托书。",
      open_case: "打开案件",
      deliveries_tab: "送达异常",
      deliveries_intro: "以下法院消息未能通过当事人最近使用的渠道送达（例如当事人屏蔽了机器人）。",
      deliveries_empty: "目前没有送达失败的消息。",
      channel_telegram: "Telegram",
      channel_web: "网页",
      delivery_failed: "未能通过 {channel} 送达",
      delivery_reason: "原因：{reason}",
      delivery_fallback: "已改由{channel}送达",
      delivery_no_fallback: "没有其他可用渠道，请以其他方式联系。",
      // deleting face data (PIPL 47)
      id_delete: "删除我的人脸信息",
      id_delete_h: "删除人脸信息",
      id_delete_intro: "将删除法院保存的您的人脸特征值并撤回您的同意，您将不再处于已认证状态，以后加入或提起案件需要重新认证。核验记录（不含任何图片）依法保留。",
      id_delete_live: "您有案件正在进行时不能删除；全部结案后可以删除。法院尚未接收的立案申请不受影响，删除后会保留，重新认证即可继续。",
      id_delete_btn: "确认删除",
      id_deleting: "正在删除…",
      id_deleted_h: "已处理删除申请",
    },
    en: {
      app_name: "Micro Court",
      tagline: "File, serve, mediate and try civil cases from your phone",
      lang_name: "English",
      switch_short: "中文",
      switch_label: "切换到中文",
      language: "Language",
      signin_title: "First time here?",
      demo_heading: "Demo accounts",
      demo_note: "Demo mode: pick a person to sign in as.",
      demo_id: "Files as {name}, ID no. {id}",
      new_litigant: "Start as a new litigant",
      new_litigant_note: "No registration. You give and verify your name and ID number inside the filing.",
      signing_in: "Signing in…",
      role_litigant: "Litigant",
      role_clerk: "Clerk",
      role_judge: "Judge",
      role_admin: "Admin",
      role_plaintiff: "Plaintiff",
      role_defendant: "Defendant",
      role_third_party: "Third party",
      role_agent: "Agent",
      role_court: "Court",
      my_cases: "My cases",
      review_queue: "Review queue",
      new_filing: "New filing",
      new_filing_hint: "Fill in your complaint step by step in the chat; about 10 minutes.",
      no_cases: "You have no cases yet. Tap “New filing” to file online.",
      queue_empty: "No filings are waiting for review.",
      next_step: "Next: ",
      plaintiff: "Plaintiff: ",
      back: "Back",
      sign_out: "Sign out",
      court: "Court",
      received_at: "✓ Receipt confirmed {at}",
      me: "Me",
      notice: "Notice",
      your_answer: "Your answer",
      type_here: "Type your answer here",
      send: "Send",
      continue: "Continue",
      sending: "Sending…",
      waiting: "Waiting for the court. You will be told here when something happens.",
      no_question: "Nothing to answer right now.",
      choose_above: "Tap one of the buttons above to answer.",
      chars: "{n}/{max} characters",
      too_long_local: "Over the {max}-character limit; please shorten it before sending.",
      send_hint_textarea: "Ctrl+Enter sends",
      amount_unit: "yuan",
      amount_hint: "Numbers only, e.g. 3999 or 3999.50",
      files_limit: "Each file up to {mb} MB, at most {n} files. Accepted: {accept}.",
      choose_files: "Choose files to upload",
      files_done: "I have uploaded everything",
      uploading: "Uploading…",
      uploaded: "Uploaded",
      upload_failed: "Not uploaded",
      file_too_big: "“{name}” is {size}, over the {mb} MB limit per file, so it was not uploaded. Please compress or split it and choose it again.",
      file_bad_type: "Files like “{name}” are not accepted. Accepted: {accept}.",
      file_empty: "“{name}” is empty and was not uploaded.",
      too_many_files: "At most {n} files at a time; the rest were not uploaded.",
      upload_network: "Uploading “{name}” was interrupted; check your connection and try again.",
      status_pending: "Sending",
      status_failed: "Not accepted",
      status_unconfirmed: "Connection lost; not confirmed",
      overdue: "overdue",
      reconnecting: "Connection lost. Reconnecting…",
      offline_send: "Not connected. Send again once the connection is back; what you typed is kept.",
      network_error: "Network error. Please try again shortly.",
      loading: "Loading…",
      case_number: "Case number",
      reference: "Reference",
      status: "Status",
      // identity (OLR 7; PIPL 28-29 separate consent to facial data)
      id_menu: "Identity",
      id_menu_done: "Identity verified",
      id_open: "Verify my identity",
      id_prompt_hint: "You need your ID card (portrait side) and a front camera; about 2 minutes.",
      id_prompt_done: "Your identity is verified; the court is carrying on.",
      id_title: "Verify your identity",
      id_close: "Close",
      id_steps: "Verification steps",
      id_step_n: "Step {n} of 3",
      id_step_consent: "Consent",
      id_step_reference: "ID card",
      id_step_live: "Live check",
      id_loading: "Checking your verification status…",
      id_unavailable: "Identity verification is not available right now. Please try again later.",
      id_consent_h: "Separate consent to processing your facial data",
      id_consent_intro: "To make sure it is really you who files (Online Litigation Rules, art. 7), the court compares your face with the photo on your ID card. Facial data is sensitive personal information, so under arts. 28–29 of the Personal Information Protection Law we need your separate consent.",
      id_consent_what: "What is captured: a photo of your ID card's portrait side, and about 10 frames from your front camera once the live check starts (about 2.5 seconds).",
      id_consent_kept: "What is kept: a face template computed from the photos (a list of numbers, not a picture), stored encrypted.",
      id_consent_selfie: "What is not kept: the selfie frames are used for this one comparison only and are not kept afterwards.",
      id_consent_selfie_kept: "Selfie frames: this court keeps the check's frames, encrypted, with the decision record, for a clerk to review.",
      id_consent_use: "Use: only to verify you for your cases; never shown to the other side, used for nothing else.",
      id_consent_delete: "Deletion: once all your cases are closed (a filing the court has not received yet does not count) you can ask for your face data to be deleted.",
      id_consent_check: "I have read the above and separately consent to the court capturing and processing my facial data to verify my identity.",
      id_consent_no: "If you do not agree, close this page and verify in person at the court's counter instead; your filing answers are kept.",
      id_consent_btn: "I agree",
      id_ref_h: "Your resident ID card",
      id_ref_intro: "Enter your name and number exactly as on your ID card, and take a photo of its portrait side (the side with your photo).",
      id_from_filing: "Filled in from your filing: a filing counts only from the plaintiff it names. If something is wrong, correct it here and in the filing too.",
      id_name: "Full name",
      id_number: "Resident ID number",
      id_number_hint: "18 characters; the last one may be X",
      id_photo: "Photo of the portrait side",
      id_photo_pick: "Take or choose a photo",
      id_photo_change: "Take it again",
      id_photo_tips: "Lay the card flat on a dark surface in good light, all four corners showing, no glare, nothing covering it.",
      id_photo_chosen: "Chosen: {name}",
      id_photo_alt: "Preview of the ID card photo",
      id_missing_name: "Please enter your name.",
      id_missing_number: "Please enter your ID number.",
      id_missing_photo: "Please take or choose a photo of the card's portrait side.",
      id_ref_btn: "Submit and continue",
      id_uploading: "Uploading…",
      id_live_h: "Live check",
      id_live_intro: "Find good light and take off any mask, hat or sunglasses; hold the phone at eye level. When it starts, look straight at the camera first, then do what the screen asks.",
      id_live_start: "Start the check",
      id_redo_reference: "Change the ID card details",
      id_camera_opening: "Opening the camera…",
      id_preview: "Camera preview",
      id_get_ready: "Recording starts in {n}",
      id_capturing: "Recording — do it now",
      id_frames: "{n} of {total} frames",
      id_checking: "Checking, please wait…",
      id_turn_left: "Turn your head to your left",
      id_turn_right: "Turn your head to your right",
      id_blink: "Blink your eyes",
      id_attempts_left: "Attempts left: {n}.",
      id_try_again: "Try again",
      id_failed_h: "That did not pass",
      id_manual_h: "A clerk will check by hand",
      id_manual_note: "The online attempts are used up. A clerk will verify your identity by hand; everything you entered is kept.",
      id_busy: "The check is busy right now. Please try again in a moment.",
      id_camera_h: "The camera cannot be used",
      id_camera_denied: "This site was not allowed to use the camera. Allow the camera in your browser's site settings (the icon left of the address), then tap “Try again”.",
      id_camera_missing: "No usable camera was found, or another app is using it. Close apps that use the camera and try again, or use a phone with a front camera.",
      id_camera_insecure: "This page was not opened over a secure connection (https://), so the browser blocks the camera. Open it again at its https:// address.",
      id_camera_telegram: "Or verify in Telegram instead: send a selfie photo to the Micro Court bot.",
      id_verified_h: "Identity verified",
      id_verified_note: "Thank you. The court carries on with your case in the chat.",
      id_already: "Your identity is already verified; there is nothing more to do.",
      id_method: "Verified by: {method}",
      id_method_face_liveness: "face match with live check",
      id_method_face_selfie: "selfie match",
      id_method_clerk_override: "a clerk's manual check",
      id_method_demo_seed: "demo account (pre-verified)",
      id_done: "Done",
      id_cancel: "Cancel the check",
      // parties: the defendant's invitation (OLR 10), agents, linking accounts, Telegram sign-in
      more: "More",
      account_title: "Account and linking",
      case_menu: "Case details and actions",
      case_title: "This case",
      your_role: "Your role",
      sheet_close: "Close",
      party_tools: "Other ways in",
      join_open: "Join a case with a code",
      join_open_hint: "Defendants: enter the code from the court's notice.",
      join_title: "Join a case with a code",
      join_intro: "When the court tells you that you are a defendant, the notice carries an invitation code or link. Enter the code here. You need a verified identity to join.",
      join_code: "Invitation code",
      join_btn: "Join the case",
      joining: "Joining the case…",
      join_missing: "Please enter the invitation code.",
      join_pending_signin: "You are joining a case through the court's invitation link. Sign in first; joining carries on after that.",
      join_verify_note: "Once you are verified, joining is tried again by itself.",
      agent_open: "I am an agent",
      agent_open_hint: "Lawyers and other agents: submit the power of attorney with the party's code.",
      agent_title: "Act as an agent",
      agent_intro: "Enter the one-time code the party gave you and upload the power of attorney they signed. You need a verified identity first; once the clerk accepts the power of attorney you may act for the party.",
      agent_code_label: "The code the party gave you",
      agent_file_label: "Power of attorney",
      agent_file_pick: "Choose the power of attorney",
      agent_file_change: "Choose another file",
      agent_file_hint: "A scan or photo of the power of attorney signed by the party (PDF or image).",
      agent_file_chosen: "Chosen: {name} ({size})",
      agent_missing_code: "Please enter the code.",
      agent_missing_file: "Please choose the power of attorney file.",
      agent_empty_file: "“{name}” is empty. Please choose the file again.",
      agent_submit: "Submit for review",
      agent_sending: "Uploading…",
      agent_done_h: "Submitted for the clerk's review",
      agent_done_note: "The clerk reviews the power of attorney and tells you and the party in the chat.",
      agent_sha: "File fingerprint (SHA-256)",
      invite_agent: "Invite an agent",
      invite_agent_hint: "Get a one-time code for your lawyer or other agent.",
      service_open: "Service records",
      service_title: "Service records (e-service certificates)",
      service_none: "No court document has been served in this case yet.",
      service_to: "Served on: {role} {name}",
      service_to_agent: "Served on: the {role}'s agent {name}",
      service_delivered: "Arrived at {address} at {at}",
      service_effective: "Service effective {at} (on arrival)",
      service_effective_ack: "Service effective {at} (the recipient confirmed receipt)",
      service_effective_read: "Service effective {at} (the recipient opened it: presumed served)",
      service_not_effective: "Not yet effective: it reached no address the recipient uses; it will be once they open the case and see it, or confirm receipt",
      addr_web: "the web chat",
      addr_web_unused: "the web inbox (not used by the recipient)",
      service_pending: "Not delivered yet",
      service_acknowledged: "✓ The recipient confirmed receipt at {at} ({via})",
      service_unacknowledged: "The recipient has not confirmed receipt yet",
      service_via_web: "web chat",
      invite_title: "Invite an agent",
      invite_getting: "Getting a code…",
      invite_again: "Try again",
      copy_code: "Copy the code",
      copied: "Copied",
      link_tg: "Link Telegram",
      link_tg_hint: "Get court messages in Telegram too; both channels are one identity.",
      link_title: "Link Telegram",
      link_loading: "Getting a link…",
      link_intro: "Tap the button to open the Micro Court bot in Telegram, then press Start. The link works once, within 10 minutes.",
      link_open: "Open in Telegram",
      link_manual: "If the button does not open Telegram, send the bot this message:",
      link_unavailable: "Telegram is not set up for this court, so accounts cannot be linked.",
      link_enter: "Enter a code from the bot",
      link_enter_hint: "Already using Micro Court in Telegram? Send /link to the bot and enter the code it gives you here.",
      link_code_label: "The code from the bot",
      link_code_btn: "Link the accounts",
      link_confirm_yes: "Link them",
      link_confirm_no: "Not mine: cancel",
      link_lost: "The connection dropped before you answered, so nothing was linked. Send /link to the bot for a new code.",
      link_linking: "Linking…",
      link_missing: "Please enter the code.",
      link_done: "Linked. You are signed in as “{name}”; the web chat and Telegram are one identity.",
      tg_signing_in: "Signing in with Telegram…",
      tg_signin_failed: "Could not sign in with Telegram. Reopen the mini-app from the chat, or sign in below.",
      // staff: powers of attorney and failed deliveries
      agents_tab: "Agents",
      agents_empty: "No powers of attorney are waiting for review.",
      agent_for: "Agent for the {role}",
      agency_who: "Agent {agent}, appointed by {party}",
      agency_company: "For the company: {company}",
      poa_file: "Power of attorney: {name}",
      accept: "Accept",
      refuse: "Refuse",
      refuse_reason: "Reason for refusing (the party and the agent are told)",
      refuse_confirm: "Refuse it",
      refuse_missing: "Please give the reason for refusing.",
      cancel: "Cancel",
      decided_accept: "Accepted the power of attorney in {reference}.",
      decided_refuse: "Refused the power of attorney in {reference}.",
      open_case: "Open the case",
      deliveries_tab: "Deliveries",
      deliveries_intro: "These court messages could not be delivered on the channel the person used last (for example, they blocked the bot).",
      deliveries_empty: "No deliveries have failed.",
      channel_telegram: "Telegram",
      channel_web: "the web chat",
      delivery_failed: "Not delivered by {channel}",
      delivery_reason: "Reason: {reason}",
      delivery_fallback: "Delivered by {channel} instead",
      delivery_no_fallback: "No other channel reached them; contact them another way.",
      // deleting face data (PIPL 47)
      id_delete: "Delete my face data",
      id_delete_h: "Delete your face data",
      id_delete_intro: "The court wipes your face template and your consent; you are then no longer verified and must verify again to file or join a case. The record of past checks (without any picture) is kept.",
      id_delete_live: "This is not possible while a case of yours is going on; once all are closed it is. A filing the court has not received yet does not stop it: it is kept, and goes on once you verify again.",
      id_delete_btn: "Delete it",
      id_deleting: "Deleting…",
      id_deleted_h: "Deletion request handled",
    },
  };

  const LOCALES = ["zh", "en"];
  const COURT_TZ = "Asia/Shanghai";
  const LOCALE_KEY = "mc_locale";
  const CASE_KEY = "mc_case";
  const JOIN_KEY = "mc_join"; // an invitation code kept across the sign-in screen
  const STAFF_TABS = ["queue", "agents", "deliveries"];
  const PARTY_ROLES = new Set(["plaintiff", "defendant"]);
  const BUTTON_KINDS = new Set(["choice", "summary", "info"]);
  const INPUT_KINDS = new Set(["text", "long_text", "amount"]);
  const ACK_TIMEOUT_MS = 20000;
  const MAX_BACKOFF_MS = 15000;
  const RELINKED_CLOSE = 4001; // the server merged this person into another: sign in afresh
  const SIGNED_OUT_CLOSE = 4401; // the session ended (signed out elsewhere, expired): show sign-in

  // ---------------------------------------------------------------- state

  const state = {
    locale: initialLocale(),
    localeChosen: Boolean(readStore(localStorage, LOCALE_KEY)),
    person: null,
    demo: false,
    demoPeople: [],
    view: "boot", // boot | signin | cases | queue | chat
    listTab: "cases",
    cases: [],
    queue: [],
    caseInfo: new Map(), // case_id -> case summary object
    convs: new Map(), // case_id -> {msgs: Map<id,msg>, local: entry[]}
    currentCaseId: readStore(sessionStorage, CASE_KEY),
    returnTo: "cases",
    drafts: new Map(), // case_id -> text typed into the composer
    inflight: new Map(), // client_id -> {caseId, entry, value, fromInput, timer}
    receipts: new Set(), // ids of served documents whose "received" is on its way
    uploading: false,
    unread: new Set(),
    banner: null,
    linkDone: false, // a `linked` frame came: the next welcome is the linked person's
    ws: null,
    wsWanted: false,
    wsOpen: false,
    backoffStep: 0,
    reconnectTimer: null,
    composerKey: null,
    listRefreshTimer: null,
    localSeq: 0,
    stick: true,
    pendingIntent: null, // new_case / open_case asked for before the socket was open
    creating: false,
    identityVerified: null, // null until /api/identity/status answers
    agencyItems: [], // powers of attorney awaiting review (clerk, judge)
    deliveries: [], // failed deliveries (clerk, judge)
    agencyRefusing: null, // mandate id whose refusal reason is being typed
    agencyReasons: new Map(), // mandate id -> reason typed
    agencyNotes: new Map(), // mandate id -> error text shown on that item
    agencyPending: new Map(), // client_id -> {mandateId, accept, reference, timer}
    bannerCaseId: null, // the banner shows a message of this case (not open here)
    side: null, // the one request outside a case waiting for its answer: {kind, caseId, timer}
    resumeAfterIdentity: null, // "join" | "agent": go back there when the identity panel closes
    openIdentityOnEnter: false, // ?verify=identity
  };

  const root = document.getElementById("app");
  const launch = readLaunch();

  // ---------------------------------------------------------------- helpers

  function readStore(store, key) {
    try {
      return store.getItem(key);
    } catch {
      return null;
    }
  }

  function writeStore(store, key, value) {
    try {
      if (value === null || value === undefined) store.removeItem(key);
      else store.setItem(key, value);
    } catch {
      /* private mode: nothing to keep */
    }
  }

  /**
   * What the address asked for: ?join=CODE, ?case=ID, ?verify=identity, and Telegram's signed
   * initData (#tgWebAppData=..., or Telegram.WebApp.initData if its script is on the page).
   * They are taken out of the address, so a reload or a shared link does not repeat them; a join
   * code waits in sessionStorage until the court has answered it (sign-in may come first).
   */
  function readLaunch() {
    const found = { join: null, initData: "" };
    let query;
    let hash;
    try {
      query = new URLSearchParams(location.search);
      hash = new URLSearchParams(location.hash.replace(/^#/, ""));
    } catch {
      return found;
    }
    const join = (query.get("join") || "").trim();
    if (join) writeStore(sessionStorage, JOIN_KEY, join.slice(0, 200));
    found.join = readStore(sessionStorage, JOIN_KEY);
    const caseId = (query.get("case") || "").trim();
    if (caseId && !join) {
      state.currentCaseId = caseId;
      writeStore(sessionStorage, CASE_KEY, caseId);
    }
    state.openIdentityOnEnter = query.get("verify") === "identity";
    found.initData = hash.get("tgWebAppData") || "";
    if (!found.initData) {
      try {
        const webApp = window.Telegram && window.Telegram.WebApp;
        if (webApp && typeof webApp.initData === "string") found.initData = webApp.initData;
      } catch {
        /* no Telegram object */
      }
    }
    const ours = ["join", "case", "verify"];
    const tgHash = Array.from(hash.keys()).some((k) => k.startsWith("tgWebApp"));
    if (ours.some((k) => query.has(k)) || tgHash) {
      for (const k of ours) query.delete(k);
      const rest = query.toString();
      try {
        history.replaceState(history.state, "", `${location.pathname}${rest ? `?${rest}` : ""}${tgHash ? "" : location.hash}`);
      } catch {
        /* an address we may not rewrite: leave it */
      }
    }
    return found;
  }

  function initialLocale() {
    const saved = readStore(localStorage, LOCALE_KEY);
    if (LOCALES.includes(saved)) return saved;
    const nav = (navigator.language || "zh").toLowerCase();
    return nav.startsWith("en") ? "en" : "zh";
  }

  function t(key, params) {
    const table = STRINGS[state.locale] || STRINGS.zh;
    let text = table[key] ?? STRINGS.en[key] ?? key;
    if (params) {
      text = text.replace(/\{(\w+)\}/g, (m, name) => (name in params ? String(params[name]) : m));
    }
    return text;
  }

  /** Build an element: h("button", {class: "x", "data-testid": "y", onclick: fn}, "text", child). */
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    if (attrs) {
      for (const [name, value] of Object.entries(attrs)) {
        if (value === null || value === undefined || value === false) continue;
        if (name.startsWith("on") && typeof value === "function") {
          el.addEventListener(name.slice(2), value);
        } else if (name === "class") {
          el.className = value;
        } else if (name === "text") {
          el.textContent = value;
        } else if (name in el && !name.includes("-") && typeof value !== "string") {
          el[name] = value;
        } else {
          el.setAttribute(name, value === true ? "" : String(value));
        }
      }
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      el.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return el;
  }

  const ICONS = {
    clock: "M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20Zm0 2a8 8 0 1 1 0 16 8 8 0 0 1 0-16Zm-1 3v6l5 3 1-1.7-4-2.4V7h-2Z",
    clip: "M16.5 6.5v10a4.5 4.5 0 0 1-9 0V5a3 3 0 0 1 6 0v10.5a1.5 1.5 0 0 1-3 0V6.5H9v9a3 3 0 0 0 6 0V5a4.5 4.5 0 0 0-9 0v11.5a6 6 0 0 0 12 0v-10h-1.5Z",
    plus: "M11 5h2v6h6v2h-6v6h-2v-6H5v-2h6V5Z",
    back: "M15.4 5.4 14 4l-8 8 8 8 1.4-1.4L8.8 12l6.6-6.6Z",
    idcard: "M3 5h18a1 1 0 0 1 1 1v12a1 1 0 0 1-1 1H3a1 1 0 0 1-1-1V6a1 1 0 0 1 1-1Zm1 2v10h16V7H4Zm4 2a2 2 0 1 1 0 4 2 2 0 0 1 0-4Zm-3.5 7c.4-1.5 1.9-2.5 3.5-2.5s3.1 1 3.5 2.5h-7ZM13 10h5v1.5h-5V10Zm0 3h4v1.5h-4V13Z",
    check: "M9.5 16.2 5.3 12l-1.4 1.4 5.6 5.6L20.1 8.4 18.7 7l-9.2 9.2Z",
    left: "M20 11H7.8l5.6-5.6L12 4l-8 8 8 8 1.4-1.4L7.8 13H20v-2Z",
    right: "M4 11h12.2l-5.6-5.6L12 4l8 8-8 8-1.4-1.4 5.6-5.6H4v-2Z",
    eye: "M12 5C7 5 2.7 8.1 1 12.5 2.7 16.9 7 20 12 20s9.3-3.1 11-7.5C21.3 8.1 17 5 12 5Zm0 12.5a5 5 0 1 1 0-10 5 5 0 0 1 0 10Zm0-8a3 3 0 1 0 0 6 3 3 0 0 0 0-6Z",
    camera: "M9 3 7.2 5H4a2 2 0 0 0-2 2v11a2 2 0 0 0 2 2h16a2 2 0 0 0 2-2V7a2 2 0 0 0-2-2h-3.2L15 3H9Zm3 5a4.5 4.5 0 1 1 0 9 4.5 4.5 0 0 1 0-9Zm0 2a2.5 2.5 0 1 0 0 5 2.5 2.5 0 0 0 0-5Z",
    close: "M18.3 5.7 16.9 4.3 12 9.2 7.1 4.3 5.7 5.7l4.9 4.9-4.9 4.9 1.4 1.4 4.9-4.9 4.9 4.9 1.4-1.4-4.9-4.9 4.9-4.9Z",
    alert: "M12 2 1 21h22L12 2Zm0 4.2L19.6 19H4.4L12 6.2ZM11 10v5h2v-5h-2Zm0 6v2h2v-2h-2Z",
    more: "M5 10a2 2 0 1 0 0 4 2 2 0 0 0 0-4Zm7 0a2 2 0 1 0 0 4 2 2 0 0 0 0-4Zm7 0a2 2 0 1 0 0 4 2 2 0 0 0 0-4Z",
    key: "M7.5 7a5 5 0 1 0 4.6 7H15v3h3v-3h2.5v-4h-8.4a5 5 0 0 0-4.6-3Zm0 3a2 2 0 1 1 0 4 2 2 0 0 1 0-4Z",
    briefcase: "M9 3h6a2 2 0 0 1 2 2v2h3a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H4a2 2 0 0 1-2-2V9a2 2 0 0 1 2-2h3V5a2 2 0 0 1 2-2Zm0 2v2h6V5H9Zm-5 4v3h16V9H4Zm0 5v5h16v-5h-6v1h-4v-1H4Z",
    plane: "M21.4 3.2 2.7 10.4c-1 .4-1 1.8.1 2.1l4.6 1.5 1.8 5.6c.3.8 1.3 1 1.9.4l2.6-2.5 4.6 3.4c.7.5 1.7.1 1.9-.7L23 4.6c.2-1-.7-1.7-1.6-1.4ZM9.6 14.3l8.3-7.4-6.6 8.6-.5 2.5-1.2-3.7Z",
    copy: "M8 3h10a2 2 0 0 1 2 2v12h-2V5H8V3Zm-3 4h9a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2V9a2 2 0 0 1 2-2Zm0 2v11h9V9H5Z",
  };

  const EVENODD_ICONS = new Set(["key", "briefcase", "plane", "copy"]);

  function icon(name) {
    const ns = "http://www.w3.org/2000/svg";
    const svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    svg.setAttribute("class", `icon icon-${name}`);
    const path = document.createElementNS(ns, "path");
    path.setAttribute("d", ICONS[name]);
    path.setAttribute("fill", "currentColor");
    if (EVENODD_ICONS.has(name)) path.setAttribute("fill-rule", "evenodd");
    svg.append(path);
    return svg;
  }

  function newClientId() {
    if (window.crypto && typeof crypto.randomUUID === "function") return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const hex = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  function formatSize(bytes) {
    if (bytes < 1024) return `${bytes} B`;
    if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
    // rounded up, so a file just over a limit never reads as equal to it
    return `${(Math.ceil((bytes / 1024 / 1024) * 10) / 10).toFixed(1)} MB`;
  }

  /** An instant from the server; one without a zone designator is taken as UTC. */
  function parseInstant(iso) {
    if (typeof iso !== "string") return new Date(NaN);
    const zoned = /(?:Z|[+-]\d\d:?\d\d)$/i.test(iso) || !iso.includes("T");
    return new Date(zoned ? iso : `${iso}Z`);
  }

  function formatTime(iso) {
    const date = parseInstant(iso);
    if (Number.isNaN(date.getTime())) return "";
    const tag = state.locale === "zh" ? "zh-CN" : "en-GB";
    const sameDay = new Date().toDateString() === date.toDateString();
    const opts = sameDay
      ? { hour: "2-digit", minute: "2-digit" }
      : { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" };
    try {
      return new Intl.DateTimeFormat(tag, { ...opts, timeZone: COURT_TZ }).format(date);
    } catch {
      return date.toLocaleString(tag, opts);
    }
  }

  /** "3 days 4 hours left" / "剩余3天4小时"; null when the instant is unreadable. */
  function timeLeft(iso, now = Date.now()) {
    const due = parseInstant(iso).getTime();
    if (Number.isNaN(due)) return null;
    const ms = due - now;
    if (ms <= 0) return { text: t("overdue"), overdue: true, urgent: true };
    const totalMin = Math.floor(ms / 60000);
    const d = Math.floor(totalMin / 1440);
    const hr = Math.floor((totalMin % 1440) / 60);
    const min = totalMin % 60;
    let text;
    if (state.locale === "zh") {
      if (d > 0) text = `剩余${d}天${hr}小时`;
      else if (hr > 0) text = `剩余${hr}小时${min}分钟`;
      else text = `剩余${Math.max(min, 1)}分钟`;
    } else {
      const unit = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;
      if (d > 0) text = `${unit(d, "day")} ${unit(hr, "hour")} left`;
      else if (hr > 0) text = `${unit(hr, "hour")} ${unit(min, "minute")} left`;
      else text = `${unit(Math.max(min, 1), "minute")} left`;
    }
    return { text, overdue: false, urgent: ms < 24 * 3600 * 1000 };
  }

  function countdown(iso, label, testid = "countdown") {
    const el = h("span", {
      class: "countdown",
      "data-testid": testid,
      "data-due": iso,
      "data-label": label || "",
      role: "timer",
    });
    paintCountdown(el);
    return el;
  }

  function paintCountdown(el) {
    const left = timeLeft(el.dataset.due);
    if (!left) {
      el.hidden = true;
      return;
    }
    const label = el.dataset.label;
    el.replaceChildren(
      icon("clock"),
      label ? `${label}${state.locale === "zh" ? "：" : ": "}${left.text}` : left.text,
    );
    el.classList.toggle("urgent", left.urgent);
    el.classList.toggle("overdue", left.overdue);
    el.title = formatTime(el.dataset.due);
  }

  function tickCountdowns() {
    for (const el of document.querySelectorAll("[data-due]")) paintCountdown(el);
  }

  function roleLabel(role) {
    return role ? t(`role_${role}`) : "";
  }

  function caseTitle(info) {
    if (!info) return t("app_name");
    return info.case_number || info.reference || t("app_name");
  }

  function conv(caseId) {
    let c = state.convs.get(caseId);
    if (!c) {
      c = { msgs: new Map(), local: [], answered: new Set() };
      state.convs.set(caseId, c);
    }
    return c;
  }

  function maxMsgId(c) {
    let max = 0;
    for (const id of c.msgs.keys()) if (id > max) max = id;
    return max;
  }

  /** The latest message carrying a prompt: the only answerable one, unless it was answered here. */
  function activePromptMsg(caseId) {
    const c = state.convs.get(caseId);
    if (!c) return null;
    let best = null;
    for (const msg of c.msgs.values()) {
      if (msg.prompt && (!best || msg.id > best.id)) best = msg;
    }
    if (!best || c.answered.has(best.id)) return null;
    // The server says which prompt is still open when a case is (re)opened: older ones are closed.
    // A waiting viewer has nothing open (open_seq is past every prompt), yet the latest "wait"
    // message still says what they wait for; it has no controls, so it stays shown.
    const info = state.caseInfo.get(caseId);
    const closed = info && typeof info.open_seq === "number" && best.prompt.seq < info.open_seq;
    if (closed && best.prompt.kind !== "wait") return null;
    return best;
  }

  function caseBusy(caseId) {
    for (const f of state.inflight.values()) if (f.caseId === caseId) return true;
    return false;
  }

  /** Clerks and judges review filings; an admin configures the court and has no queue. */
  function isStaff() {
    return Boolean(state.person && ["clerk", "judge"].includes(state.person.staff_role));
  }

  // ---------------------------------------------------------------- HTTP

  async function api(method, path, body) {
    const init = { method, headers: { Accept: "application/json" }, credentials: "same-origin" };
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    return fetchJson(path, init);
  }

  /** One request; the answer as {ok, status, data}, a network failure as status 0. */
  async function fetchJson(path, init) {
    let response;
    try {
      response = await fetch(path, init);
    } catch {
      return { ok: false, status: 0, data: { text: t("network_error") } };
    }
    let data = null;
    try {
      data = await response.json();
    } catch {
      data = null;
    }
    return { ok: response.ok, status: response.status, data: data || {} };
  }

  // ---------------------------------------------------------------- boot & sign-in

  async function boot() {
    const me = await api("GET", "/api/me");
    if (me.ok && me.data.person) {
      enterApp(me.data);
      return;
    }
    if (launch.initData) {
      // opened from the bot: Telegram vouches for the person (HMAC of initData, checked by the court)
      const initData = launch.initData;
      launch.initData = "";
      const status = root.querySelector("[role=status]");
      if (status) status.textContent = t("tg_signing_in");
      const r = await api("POST", "/api/telegram/session", { init_data: initData });
      if (r.ok && r.data.person) {
        enterApp(r.data);
        return;
      }
      await showSignin(r.data.text || t("tg_signin_failed"));
      return;
    }
    await showSignin();
  }

  async function showSignin(errorText) {
    stopSocket();
    state.person = null;
    state.view = "signin";
    const people = await api("GET", "/api/demo/people");
    state.demo = people.ok && Array.isArray(people.data.people);
    state.demoPeople = state.demo ? people.data.people : [];
    render();
    if (errorText) setSigninError(errorText);
  }

  function setSigninError(text) {
    const box = root.querySelector("[data-testid=signin-error]");
    if (!box) return;
    box.textContent = text || "";
    box.hidden = !text;
  }

  async function signIn(request) {
    const buttons = root.querySelectorAll(".signin button");
    buttons.forEach((b) => (b.disabled = true));
    setSigninError("");
    const status = root.querySelector("[data-testid=signin-status]");
    if (status) status.textContent = t("signing_in");
    const result = await request();
    if (status) status.textContent = "";
    buttons.forEach((b) => (b.disabled = false));
    if (result.ok && result.data.person) {
      state.localeChosen = true; // the language picked on the sign-in screen wins
      enterApp(result.data);
    } else {
      setSigninError(result.data.text || t("network_error"));
    }
  }

  function enterApp(me) {
    state.person = me.person;
    state.demo = Boolean(me.demo);
    if (!state.localeChosen && LOCALES.includes(me.locale)) state.locale = me.locale;
    const join = readStore(sessionStorage, JOIN_KEY);
    if (join) {
      state.currentCaseId = null; // the invitation decides which case opens
      writeStore(sessionStorage, CASE_KEY, null);
    }
    state.view = state.currentCaseId ? "chat" : "cases";
    state.listTab = "cases";
    render();
    startSocket();
    refreshIdentityMark();
    if (join) {
      forms.join.code = join;
      openSheet("join", root.querySelector("[data-testid=join-open]"));
      startJoin(join);
    } else if (state.openIdentityOnEnter && showsIdentityEntry()) {
      openIdentity(root.querySelector("[data-testid=identity-menu]"));
    }
    state.openIdentityOnEnter = false;
  }

  async function signOut() {
    resetPartyState(); // first: closing the panels must not resume anything
    closeSheet();
    closeIdentity();
    state.identityVerified = null;
    writeStore(sessionStorage, CASE_KEY, null);
    stopSocket();
    await api("POST", "/api/signout", {});
    state.currentCaseId = null;
    state.cases = [];
    state.queue = [];
    state.convs.clear();
    state.caseInfo.clear();
    state.drafts.clear();
    state.unread.clear();
    await showSignin();
  }

  // ---------------------------------------------------------------- WebSocket

  function startSocket() {
    state.wsWanted = true;
    if (state.ws) return;
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    const ws = new WebSocket(`${scheme}//${location.host}/ws`);
    state.ws = ws;
    ws.addEventListener("open", () => {
      if (state.ws !== ws) return;
      state.wsOpen = true;
      state.backoffStep = 0;
      setBanner(null);
      send({ type: "hello", locale: state.locale });
      const intent = state.pendingIntent;
      state.pendingIntent = null;
      if (intent) send(intent);
      else if (state.currentCaseId) send({ type: "open_case", case_id: state.currentCaseId });
      if (isStaff()) requestStaffLists();
      refreshControls();
    });
    ws.addEventListener("message", (event) => {
      if (state.ws !== ws) return;
      let frame;
      try {
        frame = JSON.parse(event.data);
      } catch {
        return;
      }
      handleFrame(frame);
    });
    ws.addEventListener("close", (event) => {
      if (state.ws !== ws) return;
      state.ws = null;
      state.wsOpen = false;
      dropInflight();
      if (state.side) sideFailed({ code: "timeout", text: t("status_unconfirmed") });
      forgetLinkQuestion();
      refreshControls();
      if (event.code === RELINKED_CLOSE && state.wsWanted) {
        // accounts were linked elsewhere: the session now names the kept person; at once
        state.relinkedFrom = state.person && state.person.id;
        reconnectNow();
      } else if (event.code === SIGNED_OUT_CLOSE && state.wsWanted) {
        reconnectNow(); // /api/me answers 401 and the sign-in screen says why
      } else if (state.wsWanted) {
        setBanner(t("reconnecting"));
        scheduleReconnect();
      }
    });
  }

  function stopSocket() {
    state.wsWanted = false;
    delete state.relinkedFrom; // signed out: the next welcome is a sign-in, not a link
    clearTimeout(state.reconnectTimer);
    state.reconnectTimer = null;
    const ws = state.ws;
    state.ws = null;
    state.wsOpen = false;
    if (ws) ws.close(1000);
    for (const f of state.inflight.values()) clearTimeout(f.timer);
    state.inflight.clear();
    setBanner(null);
  }

  function scheduleReconnect() {
    clearTimeout(state.reconnectTimer);
    const base = Math.min(MAX_BACKOFF_MS, 500 * 2 ** state.backoffStep);
    const delay = base / 2 + Math.random() * (base / 2);
    state.backoffStep = Math.min(state.backoffStep + 1, 10);
    state.reconnectTimer = setTimeout(reconnectNow, delay);
  }

  async function reconnectNow() {
    clearTimeout(state.reconnectTimer);
    state.reconnectTimer = null;
    if (!state.wsWanted || state.ws) return;
    const me = await api("GET", "/api/me");
    if (me.status === 401) {
      await showSignin(me.data.text);
      return;
    }
    if (!state.wsWanted || state.ws) return;
    startSocket();
  }

  function send(frame) {
    if (!state.ws || !state.wsOpen) return false;
    state.ws.send(JSON.stringify(frame));
    return true;
  }

  /** On a lost connection nothing is confirmed: free the controls, keep every draft. */
  function dropInflight() {
    for (const f of state.inflight.values()) {
      clearTimeout(f.timer);
      f.entry.status = "unconfirmed";
      updateLocalEntry(f.caseId, f.entry);
    }
    state.inflight.clear();
  }

  // ---------------------------------------------------------------- frames

  function handleFrame(frame) {
    switch (frame.type) {
      case "welcome":
        onWelcome(frame);
        break;
      case "cases":
        onCases(frame.cases || []);
        break;
      case "case_opened":
        onCaseOpened(frame.case, frame.messages || [], frame.answers || []);
        break;
      case "message":
        onMessage(frame);
        break;
      case "acknowledged": // a served court document: receipt recorded (OLR 31)
        onAcknowledged(frame);
        break;
      case "notice": // e.g. an account was just linked to this person
        setBanner(frame.text, true);
        break;
      case "ack":
        if (state.agencyPending.has(frame.client_id)) onAgencyAck(frame.client_id);
        else onAck(frame.client_id);
        break;
      case "error":
        onError(frame);
        break;
      case "queue":
        onQueue(frame.items || []);
        break;
      case "agency_queue":
        onAgencyQueue(frame.items || []);
        break;
      case "delivery_problems":
        onDeliveries(frame.items || []);
        break;
      case "link":
        onLink(frame);
        break;
      case "link_confirm": // the court asks before linking this browser to a Telegram account
        onLinkConfirm(frame);
        break;
      case "link_cancelled":
        onLinkCancelled(frame);
        break;
      case "linked": // the court linked this session: the welcome that follows names the person
        state.linkDone = true;
        break;
      case "agent_code":
        onAgentCode(frame);
        break;
      default:
        break;
    }
  }

  function onWelcome(frame) {
    const staffBefore = isStaff();
    const relinked = state.relinkedFrom !== undefined;
    const linking = relinked || state.linkDone === true;
    state.linkDone = false;
    const before = relinked ? state.relinkedFrom : state.person && state.person.id;
    delete state.relinkedFrom;
    if (frame.person) state.person = frame.person;
    if (typeof frame.demo === "boolean") state.demo = frame.demo;
    const localeChanged = LOCALES.includes(frame.locale) && frame.locale !== state.locale;
    if (LOCALES.includes(frame.locale)) state.locale = frame.locale;
    if (linking) {
      linkedAs(before); // this session now belongs to the person Telegram's /link named
      return;
    }
    if (localeChanged || staffBefore !== isStaff()) render();
    else updateHeader();
  }

  function onCases(cases) {
    state.cases = cases;
    for (const c of cases) state.caseInfo.set(c.case_id, c);
    if (state.view === "cases") renderList();
    if (state.view === "chat") updateHeader();
    if (sheet.kind === "case") renderSheet();
  }

  function onQueue(items) {
    state.queue = items;
    if (state.view === "queue") renderList();
    updateTabs();
  }

  function onCaseOpened(info, messages, answers = []) {
    if (!info || !info.case_id) return;
    if (state.side && state.side.kind === "join") joined();
    if (state.bannerCaseId === info.case_id) setBanner(null); // its messages are on screen now
    state.creating = false;
    state.caseInfo.set(info.case_id, info);
    const c = conv(info.case_id);
    c.msgs.clear();
    for (const m of messages) if (typeof m.id === "number") c.msgs.set(m.id, m);
    if (c.local.length === 0) {
      // a fresh page: the person's own earlier answers, as the server recorded them
      for (const a of answers) {
        c.local.push({ kind: "mine", text: a.text, status: "sent", key: ++state.localSeq, afterId: a.after_id || 0 });
      }
    }
    const switching = state.currentCaseId !== info.case_id || state.view !== "chat";
    state.currentCaseId = info.case_id;
    writeStore(sessionStorage, CASE_KEY, info.case_id);
    state.unread.delete(info.case_id);
    if (switching) {
      state.view = "chat";
      state.composerKey = null;
      render();
    } else {
      updateHeader();
      renderConversation();
      renderComposer();
    }
    scrollToEnd(true);
  }

  function onMessage(msg) {
    if (typeof msg.id !== "number" || !msg.case_id) return;
    const c = conv(msg.case_id);
    if (c.msgs.has(msg.id)) return; // at-least-once delivery: already shown
    const wasMax = maxMsgId(c);
    c.msgs.set(msg.id, msg);
    if (msg.case_id !== state.currentCaseId || state.view !== "chat") {
      state.unread.add(msg.case_id);
      scheduleListRefresh();
      // a case this person cannot open (yet): e.g. an agent told that the court refused the
      // power of attorney. Staff hear every case of the court, so not for them.
      if (!isStaff() && !state.caseInfo.has(msg.case_id) && !(state.side && state.side.kind === "join")) {
        setBanner(msg.text, true);
        state.bannerCaseId = msg.case_id;
      }
      return;
    }
    const list = root.querySelector("[data-testid=conversation]");
    if (list && msg.id > wasMax) list.append(renderServerMessage(msg));
    else renderConversation();
    renderComposer();
    scrollToEnd();
    scheduleListRefresh();
  }

  function onAck(clientId) {
    const f = state.inflight.get(clientId);
    if (!f) return;
    clearTimeout(f.timer);
    state.inflight.delete(clientId);
    f.entry.status = "sent";
    updateLocalEntry(f.caseId, f.entry);
    conv(f.caseId).answered.add(f.msgId); // accepted: this prompt is done until the court asks again
    if (f.fromInput && (state.drafts.get(f.caseId) || "") === f.value) {
      state.drafts.set(f.caseId, "");
      const input = root.querySelector("[data-testid=answer-input]");
      if (input && f.caseId === state.currentCaseId && input.value === f.value) {
        input.value = "";
        updateCounter();
      }
    }
    if (f.caseId === state.currentCaseId) renderComposer();
    refreshControls();
  }

  function onError(frame) {
    if (typeof frame.client_id === "string" && frame.client_id.startsWith("ack:")) {
      state.receipts.delete(Number(frame.client_id.slice(4))); // a "received" refused: the button comes back
      setBanner(frame.text || frame.code, true);
      if (state.view === "chat") renderConversation();
      return;
    }
    if (state.side && !frame.client_id && sideFailed(frame)) return;
    if (state.agencyPending.size && !frame.client_id && state.view === "agents" && agencyFailed(frame)) return;
    const c = frame.case_id ? state.convs.get(frame.case_id) : null;
    if (
      frame.code === "not_a_party" &&
      !frame.client_id &&
      state.view === "chat" &&
      frame.case_id === state.currentCaseId &&
      (!c || !c.msgs.size)
    ) {
      // a case from the address or from an old tab that this person cannot see
      showList("cases");
      setBanner(frame.text || frame.code, true);
      return;
    }
    if (state.creating && !frame.client_id) {
      state.creating = false;
      const button = root.querySelector("[data-testid=new-filing]");
      if (button) button.disabled = false;
    }
    const f = frame.client_id ? state.inflight.get(frame.client_id) : null;
    let caseId = frame.case_id || state.currentCaseId;
    if (f) {
      clearTimeout(f.timer);
      state.inflight.delete(frame.client_id);
      f.entry.status = "failed";
      updateLocalEntry(f.caseId, f.entry);
      caseId = f.caseId;
    }
    if (caseId && state.view === "chat" && caseId === state.currentCaseId) {
      addLocal(caseId, { kind: "system", text: frame.text || frame.code || t("network_error") });
      refreshControls();
      focusInput();
    } else if (caseId) {
      addLocal(caseId, { kind: "system", text: frame.text || frame.code });
      setBanner(frame.text || frame.code, true);
    } else {
      setBanner(frame.text || frame.code, true);
    }
  }

  function scheduleListRefresh() {
    clearTimeout(state.listRefreshTimer);
    state.listRefreshTimer = setTimeout(() => {
      send({ type: "list_cases" });
      if (isStaff()) requestStaffLists();
    }, 250);
  }

  // ---------------------------------------------------------------- actions

  /** Navigation asked for while (re)connecting is sent as soon as the socket opens. */
  function sendIntent(frame) {
    if (send(frame)) return;
    state.pendingIntent = frame;
    if (!state.ws) reconnectNow();
  }

  function openCase(caseId, returnTo) {
    state.returnTo = returnTo || "cases";
    sendIntent({ type: "open_case", case_id: caseId });
  }

  function newFiling() {
    if (state.creating) return; // a double tap must not open two filings
    state.creating = true;
    setTimeout(() => (state.creating = false), ACK_TIMEOUT_MS);
    const button = root.querySelector("[data-testid=new-filing]");
    if (button) button.disabled = true;
    state.returnTo = "cases";
    sendIntent({ type: "new_case", flow: "filing" });
  }

  function showList(tab) {
    state.view = tab;
    state.listTab = tab;
    state.currentCaseId = null;
    state.composerKey = null;
    writeStore(sessionStorage, CASE_KEY, null);
    render();
    const frame = { queue: "queue", agents: "agency_queue", deliveries: "delivery_problems" }[tab] || "list_cases";
    send({ type: frame });
  }

  function requestStaffLists() {
    send({ type: "queue" });
    send({ type: "agency_queue" });
    send({ type: "delivery_problems" });
  }

  function setLocale(locale) {
    if (!LOCALES.includes(locale) || locale === state.locale) return;
    state.locale = locale;
    state.localeChosen = true;
    writeStore(localStorage, LOCALE_KEY, locale);
    render();
    if (idp.open) renderIdentity();
    if (sheet.el) renderSheet();
    if (send({ type: "set_locale", locale })) {
      send({ type: "list_cases" });
      if (isStaff()) send({ type: "queue" });
    }
  }

  /** Send one answer to the court; the person's own bubble is drawn here, not echoed. */
  function sendAnswer(caseId, msg, value, label, fromInput) {
    const prompt = msg && msg.prompt;
    if (!prompt || caseBusy(caseId)) return;
    const active = activePromptMsg(caseId);
    if (!active || active.id !== msg.id) return; // a stale button: the server would refuse it
    if (!state.wsOpen) {
      addLocal(caseId, { kind: "system", text: t("offline_send") });
      return;
    }
    const clientId = newClientId();
    const entry = addLocal(caseId, { kind: "mine", text: label, status: "pending" });
    const timer = setTimeout(() => {
      const f = state.inflight.get(clientId);
      if (!f) return;
      state.inflight.delete(clientId);
      f.entry.status = "unconfirmed";
      updateLocalEntry(caseId, f.entry);
      refreshControls();
    }, ACK_TIMEOUT_MS);
    state.inflight.set(clientId, { caseId, entry, value, fromInput, timer, msgId: msg.id });
    send({
      type: "answer",
      case_id: caseId,
      step: prompt.step,
      seq: prompt.seq,
      value,
      client_id: clientId,
    });
    refreshControls();
  }

  function addLocal(caseId, entry) {
    const c = conv(caseId);
    const full = { ...entry, key: ++state.localSeq, afterId: maxMsgId(c) };
    c.local.push(full);
    if (caseId === state.currentCaseId && state.view === "chat") {
      const list = root.querySelector("[data-testid=conversation]");
      if (list) {
        list.append(renderLocal(full));
        scrollToEnd(true);
      }
    }
    return full;
  }

  function updateLocalEntry(caseId, entry) {
    if (caseId !== state.currentCaseId) return;
    const el = root.querySelector(`[data-local="${entry.key}"]`);
    if (el) el.replaceWith(renderLocal(entry));
  }

  // ---------------------------------------------------------------- uploads

  function acceptList(prompt) {
    return Array.isArray(prompt.accept) ? prompt.accept.map((x) => String(x).toLowerCase()) : [];
  }

  function extensionOf(name) {
    const dot = name.lastIndexOf(".");
    return dot >= 0 ? name.slice(dot + 1).toLowerCase() : "";
  }

  /** Check a file against the prompt's limits before sending a byte; return an explanation or null. */
  function fileProblem(file, prompt) {
    const accept = acceptList(prompt);
    if (accept.length && !accept.includes(extensionOf(file.name))) {
      return t("file_bad_type", { name: file.name, accept: accept.join(", ") });
    }
    if (file.size === 0) return t("file_empty", { name: file.name });
    if (prompt.max_mb && file.size > prompt.max_mb * 1024 * 1024) {
      return t("file_too_big", { name: file.name, size: formatSize(file.size), mb: prompt.max_mb });
    }
    return null;
  }

  async function uploadFiles(caseId, fileList) {
    let files = Array.from(fileList);
    const first = activePromptMsg(caseId);
    if (!first || !first.prompt || first.prompt.kind !== "files" || state.uploading) return;
    const maxFiles = first.prompt.max_files;
    if (maxFiles && files.length > maxFiles) {
      addLocal(caseId, { kind: "system", text: t("too_many_files", { n: maxFiles }) });
      files = files.slice(0, maxFiles);
    }
    state.uploading = true;
    refreshControls();
    try {
      for (const file of files) {
        const msg = activePromptMsg(caseId);
        if (!msg || msg.prompt.kind !== "files") break;
        const problem = fileProblem(file, msg.prompt);
        if (problem) {
          addLocal(caseId, { kind: "system", text: problem });
          continue;
        }
        await uploadOne(caseId, msg.prompt, file);
      }
    } finally {
      state.uploading = false;
      refreshControls();
    }
  }

  function uploadOne(caseId, prompt, file) {
    const entry = addLocal(caseId, {
      kind: "mine",
      file: { name: file.name, size: file.size },
      text: file.name,
      status: "uploading",
      progress: 0,
    });
    return new Promise((resolve) => {
      const xhr = new XMLHttpRequest();
      const query = `step=${encodeURIComponent(prompt.step)}&seq=${encodeURIComponent(prompt.seq)}`;
      xhr.open("POST", `/api/cases/${encodeURIComponent(caseId)}/evidence?${query}`);
      xhr.responseType = "json";
      xhr.setRequestHeader("Accept", "application/json");
      xhr.upload.addEventListener("progress", (event) => {
        if (!event.lengthComputable) return;
        entry.progress = event.loaded / event.total;
        const bar = root.querySelector(`[data-local="${entry.key}"] progress`);
        if (bar) bar.value = entry.progress;
      });
      xhr.addEventListener("load", () => {
        const body = xhr.response || {};
        if (xhr.status >= 200 && xhr.status < 300 && body.evidence) {
          entry.status = "sent";
          entry.evidence = body.evidence;
          updateLocalEntry(caseId, entry);
        } else {
          entry.status = "failed";
          updateLocalEntry(caseId, entry);
          addLocal(caseId, { kind: "system", text: body.text || t("upload_network", { name: file.name }) });
        }
        resolve();
      });
      const fail = () => {
        entry.status = "failed";
        updateLocalEntry(caseId, entry);
        addLocal(caseId, { kind: "system", text: t("upload_network", { name: file.name }) });
        resolve();
      };
      xhr.addEventListener("error", fail);
      xhr.addEventListener("abort", fail);
      const form = new FormData();
      form.append("file", file, file.name);
      xhr.send(form);
    });
  }

  // ---------------------------------------------------------------- rendering: shell

  function render() {
    document.documentElement.lang = state.locale === "zh" ? "zh-CN" : "en";
    document.title = `${t("app_name")} · ${state.locale === "zh" ? "Micro Court" : "微法庭"}`;
    root.removeAttribute("aria-busy");
    root.replaceChildren();
    if (state.view === "signin") {
      root.append(renderSignin());
      return;
    }
    if (state.view === "boot") {
      root.append(h("p", { class: "boot", role: "status", text: t("loading") }));
      return;
    }
    root.append(renderMain());
    updateHeader();
    updateTabs();
    if (state.view === "chat") {
      watchScroll(root.querySelector("[data-testid=conversation]"));
      renderConversation();
      renderComposer(true);
      scrollToEnd(true);
    } else {
      renderList();
    }
    renderBanner();
  }

  function langSwitch(testid) {
    return h(
      "div",
      { class: "lang-switch", role: "group", "aria-label": `${t("language")} / Language` },
      LOCALES.map((loc) =>
        h("button", {
          type: "button",
          class: "lang-option",
          lang: loc === "zh" ? "zh-CN" : "en",
          "data-testid": `${testid}-${loc}`,
          "aria-pressed": String(state.locale === loc),
          text: STRINGS[loc].lang_name,
          onclick: () => setLocale(loc),
        }),
      ),
    );
  }

  function renderSignin() {
    const demo = state.demo && state.demoPeople.length
      ? h(
          "section",
          { class: "card", "aria-labelledby": "demo-h" },
          h("h2", { id: "demo-h", text: t("demo_heading") }),
          h("p", { class: "muted", text: t("demo_note") }),
          h(
            "ul",
            { class: "people", "data-testid": "demo-people" },
            state.demoPeople.map((p) =>
              h(
                "li",
                null,
                h(
                  "button",
                  {
                    type: "button",
                    class: "person",
                    "data-testid": "demo-person",
                    "data-key": p.key,
                    onclick: () => signIn(() => api("POST", "/api/demo/signin", { person: p.key })),
                  },
                  h(
                    "span",
                    { class: "person-who" },
                    h("span", { class: "person-name", text: p.name }),
                    p.files_as
                      ? h("span", {
                          class: "small muted",
                          "data-testid": "demo-id",
                          text: t("demo_id", { name: p.files_as.name, id: p.files_as.id_number }),
                        })
                      : null,
                  ),
                  h("span", { class: `badge role-${p.role}`, text: roleLabel(p.role) }),
                ),
              ),
            ),
          ),
        )
      : null;
    return h(
      "main",
      { class: "signin", "data-testid": "signin-screen" },
      h(
        "header",
        { class: "signin-head" },
        h("div", { class: "emblem", "aria-hidden": "true", text: "⚖" }),
        h("h1", { text: t("app_name") }),
        h("p", { class: "tagline", text: t("tagline") }),
        langSwitch("signin-lang"),
      ),
      h("p", { class: "error-box", role: "alert", "data-testid": "signin-error", hidden: true }),
      readStore(sessionStorage, JOIN_KEY)
        ? h("p", { class: "id-note", "data-testid": "join-pending", text: t("join_pending_signin") })
        : null,
      h("p", { class: "muted", role: "status", "aria-live": "polite", "data-testid": "signin-status" }),
      demo,
      h(
        "section",
        { class: "card", "aria-labelledby": "new-h" },
        h("h2", { id: "new-h", text: t("signin_title") }),
        h("button", {
          type: "button",
          class: "btn primary wide",
          "data-testid": "new-litigant",
          text: t("new_litigant"),
          onclick: () => signIn(() => api("POST", "/api/session", { locale: state.locale })),
        }),
        h("p", { class: "muted small", text: t("new_litigant_note") }),
      ),
    );
  }

  function tabLabel(view) {
    return t({ queue: "review_queue", agents: "agents_tab", deliveries: "deliveries_tab" }[view] || "my_cases");
  }

  function backTarget() {
    return STAFF_TABS.includes(state.returnTo) && isStaff() ? state.returnTo : "cases";
  }

  function renderMain() {
    const inChat = state.view === "chat";
    const header = h(
      "header",
      { class: "topbar", "data-testid": "topbar" },
      inChat
        ? h(
            "button",
            {
              type: "button",
              class: "icon-btn back",
              "data-testid": "nav-back",
              "aria-label": `${t("back")}: ${tabLabel(backTarget())}`,
              onclick: () => showList(backTarget()),
            },
            icon("back"),
            h("span", { class: "back-label", text: tabLabel(backTarget()) }),
          )
        : null,
      h(
        "div",
        { class: "title" },
        h("h1", { "data-testid": "header-title" }),
        h("p", { class: "subtitle", "data-testid": "header-subtitle" }),
      ),
      showsIdentityEntry() ? identityEntry() : null,
      inChat
        ? h(
            "button",
            {
              type: "button",
              class: "icon-btn more",
              "data-testid": "case-menu",
              "aria-label": t("case_menu"),
              "aria-haspopup": "dialog",
              title: t("case_menu"),
              hidden: true, // shown once the case says the person is a party (updateHeader)
              onclick: (event) => openSheet("case", event.currentTarget),
            },
            icon("more"),
          )
        : h(
            "button",
            {
              type: "button",
              class: "icon-btn more",
              "data-testid": "account-menu",
              "aria-label": `${t("more")}: ${t("account_title")}`,
              "aria-haspopup": "dialog",
              title: t("account_title"),
              onclick: (event) => openSheet("menu", event.currentTarget),
            },
            icon("more"),
          ),
      h("button", {
        type: "button",
        class: "icon-btn lang",
        "data-testid": "lang-toggle",
        "data-locale": state.locale,
        lang: state.locale === "zh" ? "en" : "zh-CN",
        "aria-label": t("switch_label"),
        title: t("switch_label"),
        text: t("switch_short"),
        onclick: () => setLocale(state.locale === "zh" ? "en" : "zh"),
      }),
      inChat
        ? null
        : h("button", {
            type: "button",
            class: "icon-btn",
            "data-testid": "signout",
            text: t("sign_out"),
            onclick: signOut,
          }),
    );
    const banner = h("div", { class: "banner", "data-testid": "conn-status", role: "status", hidden: true });
    if (inChat) {
      return h(
        "div",
        { class: "shell chat-shell" },
        header,
        banner,
        h(
          "main",
          { class: "chat", "data-testid": "chat", "data-case-id": state.currentCaseId },
          h("ol", {
            class: "conversation",
            "data-testid": "conversation",
            role: "log",
            "aria-live": "polite",
            "aria-label": t("app_name"),
          }),
          h("section", { class: "composer", "data-testid": "composer", "aria-label": t("your_answer") }),
        ),
      );
    }
    const tabs = h(
      "nav",
      { class: "tabs", "data-testid": "tabs", "aria-label": t("app_name"), hidden: !isStaff() },
      h("button", {
        type: "button",
        class: "tab",
        "data-testid": "tab-cases",
        "aria-current": state.view === "cases" ? "page" : null,
        text: t("my_cases"),
        onclick: () => showList("cases"),
      }),
      h(
        "button",
        {
          type: "button",
          class: "tab",
          "data-testid": "tab-queue",
          "aria-current": state.view === "queue" ? "page" : null,
          hidden: !isStaff(),
          onclick: () => showList("queue"),
        },
        t("review_queue"),
        h("span", { class: "count", "data-testid": "queue-count" }),
      ),
      ["agents", "deliveries"].map((view) =>
        h(
          "button",
          {
            type: "button",
            class: "tab",
            "data-testid": `tab-${view}`,
            "aria-current": state.view === view ? "page" : null,
            hidden: !isStaff(),
            onclick: () => showList(view),
          },
          tabLabel(view),
          h("span", { class: "count", "data-testid": `${view}-count` }),
        ),
      ),
    );
    return h(
      "div",
      { class: "shell list-shell" },
      header,
      banner,
      tabs,
      h("main", { class: "list", "data-testid": "list-view" }),
    );
  }

  function updateHeader() {
    const title = root.querySelector("[data-testid=header-title]");
    const subtitle = root.querySelector("[data-testid=header-subtitle]");
    if (!title || !subtitle) return;
    if (state.view === "chat") {
      const info = state.caseInfo.get(state.currentCaseId);
      title.textContent = caseTitle(info);
      const bits = [];
      if (info && info.status_text) bits.push(info.status_text);
      if (info && info.role) bits.push(roleLabel(info.role));
      subtitle.textContent = bits.join(" · ");
      const menu = root.querySelector("[data-testid=case-menu]");
      if (menu) menu.hidden = !(info && info.role); // the court too: the case facts and its service records
    } else {
      title.textContent = t("app_name");
      const p = state.person;
      subtitle.textContent = p
        ? [p.name, p.staff_role ? roleLabel(p.staff_role) : ""].filter(Boolean).join(" · ")
        : "";
    }
  }

  function updateTabs() {
    const tab = root.querySelector("[data-testid=tab-queue]");
    if (!tab) return;
    tab.hidden = !isStaff();
    tab.parentElement.hidden = !isStaff();
    const count = tab.querySelector(".count");
    count.textContent = state.queue.length ? String(state.queue.length) : "";
    for (const [view, items] of [["agents", state.agencyItems], ["deliveries", state.deliveries]]) {
      const other = root.querySelector(`[data-testid=tab-${view}]`);
      if (!other) continue;
      other.hidden = !isStaff();
      other.querySelector(".count").textContent = items.length ? String(items.length) : "";
    }
  }

  function setBanner(text, dismissible) {
    state.banner = text ? { text, dismissible: Boolean(dismissible) } : null;
    state.bannerCaseId = null;
    renderBanner();
  }

  function renderBanner() {
    const el = root.querySelector("[data-testid=conn-status]");
    if (!el) return;
    el.replaceChildren();
    el.hidden = !state.banner;
    if (!state.banner) return;
    el.append(h("span", { text: state.banner.text }));
    if (state.banner.dismissible) {
      el.append(
        h("button", {
          type: "button",
          class: "icon-btn",
          "aria-label": "×",
          text: "×",
          onclick: () => setBanner(null),
        }),
      );
    }
  }

  // ---------------------------------------------------------------- rendering: lists

  /** Re-render a part of the page and give focus back to what had it (by data-focus-key). */
  function keepingFocus(container, paint) {
    const active = document.activeElement;
    const key = active && container.contains(active) ? active.dataset.focusKey : null;
    const selection =
      key && typeof active.selectionStart === "number" ? [active.selectionStart, active.selectionEnd] : null;
    paint();
    if (!key) return;
    const again = container.querySelector(`[data-focus-key="${CSS.escape(key)}"]`);
    if (!again) return;
    again.focus({ preventScroll: true });
    if (selection) {
      try {
        again.setSelectionRange(...selection);
      } catch {
        /* not a text field */
      }
    }
  }

  function renderList() {
    const main = root.querySelector("[data-testid=list-view]");
    if (!main) return;
    keepingFocus(main, () => {
      main.replaceChildren();
      if (state.view === "queue") main.append(renderQueue());
      else if (state.view === "agents") main.append(...renderAgencyQueue());
      else if (state.view === "deliveries") main.append(...renderDeliveries());
      else renderCases(main);
    });
  }

  function renderCases(main) {
    main.append(
      h(
        "div",
        { class: "new-filing" },
        h("button", {
          type: "button",
          class: "btn primary wide",
          "data-testid": "new-filing",
          "data-focus-key": "new-filing",
          disabled: state.creating,
          onclick: newFiling,
        }, icon("plus"), t("new_filing")),
        h("p", { class: "muted small", text: t("new_filing_hint") }),
      ),
    );
    if (state.person && !state.person.staff_role) main.append(renderPartyTools());
    if (!state.cases.length) {
      main.append(h("p", { class: "empty", "data-testid": "no-cases", text: t("no_cases") }));
      return;
    }
    main.append(
      h(
        "ul",
        { class: "items", "data-testid": "case-list", "aria-label": t("my_cases") },
        state.cases.map((c) =>
          h(
            "li",
            null,
            h(
              "button",
              {
                type: "button",
                class: "item",
                "data-testid": "case-item",
                "data-case-id": c.case_id,
                "data-focus-key": `case:${c.case_id}`,
                onclick: () => openCase(c.case_id, "cases"),
              },
              h(
                "span",
                { class: "item-top" },
                h("span", { class: "item-title", text: caseTitle(c) }),
                state.unread.has(c.case_id) ? h("span", { class: "dot", title: "new", text: "" }) : null,
              ),
              h("span", { class: "badge status", "data-testid": "case-status", text: c.status_text || c.status }),
              c.case_number && c.reference
                ? h("span", { class: "item-line muted", text: `${t("reference")} ${c.reference}` })
                : null,
              c.role ? h("span", { class: "item-line muted", text: roleLabel(c.role) }) : null,
              c.prompt_text
                ? h(
                    "span",
                    { class: "item-line next" },
                    h("strong", { text: t("next_step") }),
                    h("span", { text: c.prompt_text }),
                  )
                : null,
              c.due_at ? countdown(c.due_at) : null,
            ),
          ),
        ),
      ),
    );
  }

  function renderQueue() {
    if (!state.queue.length) {
      return h("p", { class: "empty", "data-testid": "queue-empty", text: t("queue_empty") });
    }
    return h(
      "ul",
      { class: "items", "data-testid": "queue-list", "aria-label": t("review_queue") },
      state.queue.map((q) =>
        h(
          "li",
          null,
          h(
            "button",
            {
              type: "button",
              class: "item",
              "data-testid": "queue-item",
              "data-case-id": q.case_id,
              "data-focus-key": `queue:${q.case_id}`,
              onclick: () => openCase(q.case_id, "queue"),
            },
            h("span", { class: "item-top" }, h("span", { class: "item-title", text: q.reference })),
            h("span", { class: "badge status", text: q.status_text || q.status }),
            q.plaintiff ? h("span", { class: "item-line", text: `${t("plaintiff")}${q.plaintiff}` }) : null,
            q.due_at ? countdown(q.due_at) : null,
          ),
        ),
      ),
    );
  }

  // ---------------------------------------------------------------- rendering: conversation

  function renderConversation() {
    const list = root.querySelector("[data-testid=conversation]");
    if (!list) return;
    const c = conv(state.currentCaseId);
    const ids = Array.from(c.msgs.keys()).sort((a, b) => a - b);
    const byAfter = new Map();
    for (const e of c.local) {
      const key = e.afterId && c.msgs.has(e.afterId) ? e.afterId : ids.filter((id) => id <= e.afterId).pop() || 0;
      if (!byAfter.has(key)) byAfter.set(key, []);
      byAfter.get(key).push(e);
    }
    const nodes = [];
    for (const e of byAfter.get(0) || []) nodes.push(renderLocal(e));
    for (const id of ids) {
      nodes.push(renderServerMessage(c.msgs.get(id)));
      for (const e of byAfter.get(id) || []) nodes.push(renderLocal(e));
    }
    list.replaceChildren(...nodes);
    refreshControls();
  }

  function renderServerMessage(msg) {
    const prompt = msg.prompt;
    const li = h(
      "li",
      {
        class: "msg court",
        "data-testid": "msg",
        "data-kind": "court",
        "data-id": msg.id,
        "data-step": prompt ? prompt.step : null,
      },
      h("div", { class: "bubble" }, h("p", { class: "text", "data-testid": "msg-text", text: msg.text })),
      h("span", { class: "meta" }, `${t("court")} · ${formatTime(msg.at)}`),
    );
    if (Array.isArray(msg.attachments) && msg.attachments.length) {
      li.querySelector(".bubble").append(renderAttachments(msg.attachments));
    }
    if (prompt && BUTTON_KINDS.has(prompt.kind)) {
      li.querySelector(".bubble").append(renderOptions(msg));
    }
    if (msg.service) li.querySelector(".bubble").append(renderReceipt(msg));
    return li;
  }

  /** A served court document: "I have received it", or when the person said so (OLR 31). */
  function renderReceipt(msg) {
    const at = msg.service.acknowledged_at;
    if (at) return h("p", { class: "small receipt", "data-testid": "receipt", text: t("received_at", { at: formatTime(at) }) });
    const pending = state.receipts.has(msg.id);
    return h("button", {
      type: "button",
      class: "btn",
      "data-testid": "acknowledge",
      disabled: pending,
      text: pending ? t("sending") : msg.service.button,
      onclick: () => {
        state.receipts.add(msg.id);
        send({ type: "acknowledge", message_id: msg.id });
        renderConversation();
      },
    });
  }

  function onAcknowledged(frame) {
    state.receipts.delete(frame.message_id);
    for (const c of state.convs.values()) {
      const msg = c.msgs.get(frame.message_id);
      if (msg && msg.service) msg.service.acknowledged_at = frame.at;
    }
    setBanner(frame.text, true);
    if (state.view === "chat") renderConversation();
  }

  /** Files a message refers to (e.g. documents the court must check), each opened in a new tab. */
  function renderAttachments(attachments) {
    return h(
      "ul",
      { class: "attachments", "data-testid": "attachments" },
      ...attachments.map((a) =>
        h("li", {}, h("a", { href: a.url, target: "_blank", rel: "noopener", "data-testid": "attachment", text: a.name })),
      ),
    );
  }

  function optionsFor(prompt) {
    if (Array.isArray(prompt.options) && prompt.options.length) return prompt.options;
    if (prompt.kind === "summary") return [{ value: "submit", label: t("send") }];
    if (prompt.kind === "info") return [{ value: "continue", label: t("continue") }];
    return [];
  }

  function renderOptions(msg) {
    const prompt = msg.prompt;
    const opts = optionsFor(prompt);
    const summary = prompt.kind === "summary";
    const primary = summary ? opts.filter((o) => o.value === "submit") : [];
    const rest = summary ? opts.filter((o) => o.value !== "submit") : opts;
    const button = (o, cls) =>
      h("button", {
        type: "button",
        class: `btn option ${cls}`,
        "data-testid": "option",
        "data-value": o.value,
        "data-msg-id": msg.id,
        text: o.label,
        disabled: true,
        onclick: (event) => {
          event.currentTarget.disabled = true;
          sendAnswer(msg.case_id, msg, o.value, o.label, false);
        },
      });
    const group = h("div", { class: `options ${summary ? "summary" : ""}`, role: "group" });
    for (const o of primary) group.append(button(o, "primary"));
    for (const o of rest) group.append(button(o, summary ? "secondary" : "choice"));
    return group;
  }

  function renderLocal(entry) {
    if (entry.kind === "system") {
      return h(
        "li",
        { class: "msg system", "data-testid": "msg", "data-kind": "system", "data-local": entry.key, role: "alert" },
        h("div", { class: "bubble" }, h("p", { class: "text", "data-testid": "msg-text", text: entry.text })),
      );
    }
    const statusText = {
      pending: t("status_pending"),
      uploading: t("uploading"),
      failed: entry.file ? t("upload_failed") : t("status_failed"),
      unconfirmed: t("status_unconfirmed"),
      sent: entry.file ? t("uploaded") : "",
    }[entry.status];
    const bubble = h("div", { class: "bubble" });
    if (entry.file) {
      bubble.append(
        h(
          "p",
          { class: "text file", "data-testid": "msg-text" },
          icon("clip"),
          entry.file.name,
          h("span", { class: "file-size", text: ` · ${formatSize(entry.file.size)}` }),
        ),
      );
      if (entry.status === "uploading") {
        bubble.append(
          h("progress", {
            "data-testid": "upload-progress",
            max: "1",
            value: String(entry.progress || 0),
            "aria-label": `${t("uploading")} ${entry.file.name}`,
          }),
        );
      }
      if (entry.evidence && entry.evidence.sha256) {
        bubble.append(h("p", { class: "hash", "data-testid": "file-sha256", text: `SHA-256 ${entry.evidence.sha256}` }));
      }
    } else {
      bubble.append(h("p", { class: "text", "data-testid": "msg-text", text: entry.text }));
    }
    return h(
      "li",
      {
        class: `msg mine ${entry.status || ""}`,
        "data-testid": "msg",
        "data-kind": "mine",
        "data-status": entry.status,
        "data-local": entry.key,
      },
      bubble,
      h("span", { class: "meta" }, [t("me"), statusText].filter(Boolean).join(" · ")),
    );
  }

  /** Enable exactly the controls of the latest prompt, and none while a send is in flight. */
  function refreshControls() {
    const caseId = state.currentCaseId;
    if (!caseId || state.view !== "chat") return;
    const active = activePromptMsg(caseId);
    const ready = state.wsOpen && !caseBusy(caseId) && !state.uploading;
    for (const li of root.querySelectorAll("[data-testid=conversation] [data-kind=court]")) {
      li.dataset.active = String(Boolean(active && Number(li.dataset.id) === active.id));
    }
    for (const b of root.querySelectorAll("[data-testid=conversation] [data-testid=option]")) {
      const current = active && Number(b.dataset.msgId) === active.id;
      b.disabled = !(current && ready);
      b.classList.toggle("stale", !current);
    }
    const composer = root.querySelector("[data-testid=composer]");
    if (!composer) return;
    for (const b of composer.querySelectorAll("[data-testid=option]")) b.disabled = !ready;
    const sendBtn = composer.querySelector("[data-testid=send]");
    if (sendBtn) {
      const input = composer.querySelector("[data-testid=answer-input]");
      const tooLong = input && input.dataset.max && input.value.length > Number(input.dataset.max);
      sendBtn.disabled = !ready || !input || !input.value.trim() || Boolean(tooLong);
      sendBtn.textContent = caseBusy(caseId) ? t("sending") : t("send");
      sendBtn.setAttribute("aria-busy", String(caseBusy(caseId)));
    }
    const picker = composer.querySelector("[data-testid=file-input]");
    if (picker) {
      picker.disabled = !ready;
      picker.closest(".file-pick")?.classList.toggle("disabled", !ready);
    }
  }

  // ---------------------------------------------------------------- rendering: composer

  function renderComposer(force) {
    const composer = root.querySelector("[data-testid=composer]");
    if (!composer) return;
    const caseId = state.currentCaseId;
    const msg = activePromptMsg(caseId);
    const key = msg ? `${caseId}:${msg.id}` : `${caseId}:none`;
    if (!force && key === state.composerKey) {
      refreshControls();
      return;
    }
    const hadFocus = composer.contains(document.activeElement) || document.activeElement === document.body;
    state.composerKey = key;
    composer.replaceChildren();
    const prompt = msg && msg.prompt;
    composer.dataset.kind = prompt ? prompt.kind : "none";
    composer.dataset.step = prompt ? prompt.step : "";
    if (prompt && prompt.due_at) composer.append(countdown(prompt.due_at, prompt.deadline_label));
    if (!prompt) {
      composer.append(h("p", { class: "muted center", "data-testid": "no-question", text: t("no_question") }));
    } else if (prompt.kind === "wait") {
      composer.append(
        h(
          "p",
          { class: "waiting", "data-testid": "waiting", role: "status" },
          h("span", { class: "pulse", "aria-hidden": "true" }),
          t("waiting"),
        ),
      );
    } else if (BUTTON_KINDS.has(prompt.kind)) {
      composer.append(h("p", { class: "muted center small", "data-testid": "choose-above", text: t("choose_above") }));
    } else if (INPUT_KINDS.has(prompt.kind)) {
      composer.append(renderInputForm(caseId, msg));
      if (hadFocus) focusInput();
    } else if (prompt.kind === "files") {
      composer.append(renderFilePicker(caseId, msg));
    } else if (prompt.kind === "identity") {
      composer.append(renderIdentityPrompt());
    } else {
      composer.append(renderInputForm(caseId, msg));
    }
    refreshControls();
  }

  function renderInputForm(caseId, msg) {
    const prompt = msg.prompt;
    const long = prompt.kind === "long_text";
    const amount = prompt.kind === "amount";
    const max = prompt.max_length || null;
    const inputId = `answer-${msg.id}`;
    const field = h(long ? "textarea" : "input", {
      id: inputId,
      class: "answer",
      "data-testid": "answer-input",
      "data-max": max,
      "aria-describedby": `hint-${msg.id}`,
      autocomplete: "off",
      rows: long ? "4" : null,
      type: long ? null : "text",
      inputmode: amount ? "decimal" : null,
      enterkeyhint: long ? null : "send",
      placeholder: amount ? t("amount_hint") : t("type_here"),
    });
    field.value = state.drafts.get(caseId) || "";
    field.addEventListener("input", () => {
      state.drafts.set(caseId, field.value);
      updateCounter();
      refreshControls();
    });
    field.addEventListener("keydown", (event) => {
      if (event.isComposing) return;
      const submit = long ? event.key === "Enter" && (event.ctrlKey || event.metaKey) : event.key === "Enter";
      if (submit) {
        event.preventDefault();
        form.requestSubmit();
      }
    });
    const hints = [];
    if (long) hints.push(t("send_hint_textarea"));
    const form = h(
      "form",
      {
        class: `answer-form ${long ? "long" : ""}`,
        "data-testid": "answer-form",
        novalidate: true,
        onsubmit: (event) => {
          event.preventDefault();
          const value = field.value;
          if (!value.trim() || (max && value.length > max)) return;
          const label = amount ? `${value.trim()} ${t("amount_unit")}` : value.trim();
          sendAnswer(caseId, msg, value, label, true);
        },
      },
      h("label", { class: "visually-hidden", for: inputId, text: t("your_answer") }),
      h(
        "div",
        { class: "field-row" },
        amount ? h("div", { class: "amount-wrap" }, field, h("span", { class: "unit", text: t("amount_unit") })) : field,
        h("button", { type: "submit", class: "btn primary send", "data-testid": "send", text: t("send") }),
      ),
      h(
        "div",
        { class: "field-foot" },
        h("span", { id: `hint-${msg.id}`, class: "muted small", text: hints.join(" · ") }),
        max ? h("span", { class: "counter small", "data-testid": "char-counter", "aria-live": "polite" }) : null,
      ),
    );
    queueMicrotask(updateCounter);
    return form;
  }

  function updateCounter() {
    const input = root.querySelector("[data-testid=answer-input]");
    const counter = root.querySelector("[data-testid=char-counter]");
    if (!input || !counter) return;
    const max = Number(input.dataset.max);
    const n = input.value.length;
    const over = n > max;
    const long = input.tagName === "TEXTAREA";
    // a one-line answer only shows its count near the limit; a long text always does
    counter.hidden = !long && n < max * 0.8;
    counter.textContent = over ? t("too_long_local", { max }) : t("chars", { n, max });
    counter.classList.toggle("over", over);
    input.setAttribute("aria-invalid", String(over));
  }

  function renderFilePicker(caseId, msg) {
    const prompt = msg.prompt;
    const accept = acceptList(prompt);
    const limits = [];
    if (prompt.max_mb || prompt.max_files || accept.length) {
      limits.push(
        t("files_limit", {
          mb: prompt.max_mb ?? "—",
          n: prompt.max_files ?? "—",
          accept: accept.join(", ") || "—",
        }),
      );
    }
    const inputId = `files-${msg.id}`;
    const input = h("input", {
      id: inputId,
      type: "file",
      class: "visually-hidden",
      "data-testid": "file-input",
      multiple: true,
      accept: accept.length ? accept.map((x) => `.${x}`).join(",") : null,
      "aria-describedby": `limit-${msg.id}`,
      onchange: (event) => {
        const files = event.currentTarget.files;
        if (files && files.length) uploadFiles(caseId, files).finally(() => (event.target.value = ""));
      },
    });
    const opts = optionsFor(prompt);
    const done = opts.length ? opts : [{ value: "done", label: t("files_done") }];
    return h(
      "div",
      { class: "files" },
      h("p", { id: `limit-${msg.id}`, class: "muted small", "data-testid": "files-limit", text: limits.join(" ") }),
      h(
        "div",
        { class: "files-row" },
        h("label", { class: "btn secondary file-pick", for: inputId }, input, icon("clip"), h("span", { text: t("choose_files") })),
        done.map((o) =>
          h("button", {
            type: "button",
            class: "btn primary option",
            "data-testid": "option",
            "data-value": o.value,
            "data-msg-id": msg.id,
            text: o.label,
            onclick: (event) => {
              event.currentTarget.disabled = true;
              sendAnswer(caseId, msg, o.value, o.label, false);
            },
          }),
        ),
      ),
    );
  }

  function focusInput() {
    const input = root.querySelector("[data-testid=answer-input]");
    if (input) input.focus({ preventScroll: true });
  }

  /** Follow new messages while the reader is at the bottom; leave them alone once they scroll up. */
  function watchScroll(list) {
    list.addEventListener("scroll", () => {
      state.stick = list.scrollHeight - list.scrollTop - list.clientHeight < 80;
    }, { passive: true });
    // the composer growing (a textarea, a countdown) or the keyboard opening shrinks the list
    if (typeof ResizeObserver === "function") {
      new ResizeObserver(() => scrollToEnd()).observe(list);
    }
  }

  function scrollToEnd(always) {
    const list = root.querySelector("[data-testid=conversation]");
    if (!list) return;
    if (always) state.stick = true;
    if (state.stick) list.scrollTop = list.scrollHeight;
  }

  // ---------------------------------------------------------------- identity (OLR 7)
  //
  // A panel over the app, opened from an `identity` prompt or from the header. Three steps:
  //   1. separate consent to facial data (PIPL 28-29)      POST /api/identity/consent
  //   2. name, ID number, photo of the portrait side        POST /api/identity/reference
  //   3. live check: a challenge, a burst of camera frames  POST /api/identity/challenge, /selfie
  // GET /api/identity/status says which steps are done. Frames are drawn as the camera sees them
  // (the server's directions are the person's own); only the on-screen preview is mirrored.

  const ID_FRAMES = 10;
  const ID_FRAME_GAP_MS = 250; // 10 frames over 2.25-2.5 s
  const ID_LEAD_IN_S = 3; // "look straight at the camera" before recording: the first frame is the baseline
  const ID_JPEG_QUALITY = 0.85;
  const ID_PHOTO_MAX_PX = 1600; // a phone photo of the card is shrunk before upload
  const ID_PHOTO_MAX_BYTES = 1.5 * 1024 * 1024;
  const ID_CLOSE_AFTER_MS = 3000;
  const ID_STEP_OF = { consent: 1, reference: 2, live: 3, camera: 3, failed: 3, busy: 3, camera_error: 3 };

  const idp = {
    open: false,
    phase: "loading", // loading | unavailable | consent | reference | live | camera | failed | busy | camera_error | manual | verified | already
    status: null,
    consentTicked: false,
    name: "",
    number: "",
    photo: null, // the chosen File (kept across re-renders and errors)
    photoUrl: null,
    error: null, // a problem shown in place on the current step
    busy: false, // a request of the current step is in flight
    attemptsLeft: null,
    result: null, // {text, attemptsLeft} of the last live check
    cameraProblem: null, // denied | missing | insecure
    challenge: null,
    live: null, // {sub: opening | ready | capturing | checking, count, frames}
    stream: null,
    run: 0, // bumped on close and on each live check: callbacks of an old run do nothing
    opener: null,
    closeTimer: null,
    focusStep: false,
  };
  let panelEl = null;

  function sleep(ms) {
    return new Promise((resolve) => setTimeout(resolve, ms));
  }

  async function postForm(path, form) {
    return fetchJson(path, { method: "POST", body: form, headers: { Accept: "application/json" }, credentials: "same-origin" });
  }

  function showsIdentityEntry() {
    return Boolean(state.person && !state.person.staff_role);
  }

  /** Ask the server once after sign-in, so the header can show a verified mark. */
  async function refreshIdentityMark() {
    if (!showsIdentityEntry()) return;
    const r = await api("GET", "/api/identity/status");
    if (r.ok && typeof r.data.verified === "boolean") setVerified(r.data.verified);
  }

  function setVerified(verified) {
    if (state.identityVerified === verified) return;
    state.identityVerified = verified;
    const entry = root.querySelector("[data-testid=identity-menu]");
    if (entry) entry.replaceWith(identityEntry());
    const composer = root.querySelector("[data-testid=composer]");
    if (composer && composer.dataset.kind === "identity") renderComposer(true);
  }

  function identityEntry() {
    const verified = state.identityVerified === true;
    const label = verified ? t("id_menu_done") : t("id_menu");
    return h(
      "button",
      {
        type: "button",
        class: `icon-btn id-entry ${verified ? "verified" : ""}`,
        "data-testid": "identity-menu",
        "data-verified": String(verified),
        "aria-label": label,
        "aria-haspopup": "dialog",
        title: label,
        onclick: (event) => openIdentity(event.currentTarget),
      },
      icon(verified ? "check" : "idcard"),
      h("span", { class: "id-entry-label", text: t("id_menu") }),
    );
  }

  /** The composer for an `identity` prompt: one prominent button. */
  function renderIdentityPrompt() {
    const done = state.identityVerified === true;
    return h(
      "div",
      { class: "id-prompt" },
      h(
        "button",
        {
          type: "button",
          class: "btn primary wide id-prompt-btn",
          "data-testid": "verify-identity",
          "aria-haspopup": "dialog",
          onclick: (event) => openIdentity(event.currentTarget),
        },
        icon("idcard"),
        t("id_open"),
      ),
      h("p", { class: "muted small center", "data-testid": "verify-identity-hint", text: done ? t("id_prompt_done") : t("id_prompt_hint") }),
    );
  }

  function openIdentity(opener) {
    if (idp.open) return;
    clearTimeout(idp.closeTimer);
    Object.assign(idp, {
      open: true,
      phase: "loading",
      opener: opener || document.activeElement,
      consentTicked: false, // consent is asked afresh every time: never pre-ticked
      error: null,
      busy: false,
      result: null,
      cameraProblem: null,
      challenge: null,
      live: null,
      focusStep: false,
    });
    panelEl = h("div", { class: "id-overlay", "data-testid": "identity-panel" });
    document.body.append(panelEl);
    root.inert = true; // the chat underneath is out of reach (and out of the accessibility tree)
    document.addEventListener("keydown", onIdentityKey);
    renderIdentity();
    panelEl.querySelector("#id-title")?.focus({ preventScroll: true });
    loadIdentityStatus();
  }

  function closeIdentity() {
    if (!idp.open) return;
    idp.run += 1;
    stopCamera();
    clearTimeout(idp.closeTimer);
    idp.open = false;
    idp.busy = false;
    document.removeEventListener("keydown", onIdentityKey);
    if (panelEl) panelEl.remove();
    panelEl = null;
    root.inert = false;
    const back =
      idp.opener && idp.opener.isConnected ? idp.opener : root.querySelector("[data-testid=identity-menu]");
    if (back && typeof back.focus === "function") back.focus({ preventScroll: true });
    idp.opener = null;
    afterIdentityClosed();
  }

  function onIdentityKey(event) {
    if (event.key === "Escape" && idp.open) {
      event.preventDefault();
      closeIdentity();
    }
  }

  async function loadIdentityStatus() {
    const run = idp.run;
    const r = await api("GET", "/api/identity/status");
    if (!idp.open || run !== idp.run) return;
    if (!r.ok) {
      idp.error = r.status === 0 ? r.data.text : r.data.text || t("id_unavailable");
      goTo("unavailable");
      return;
    }
    applyStatus(r.data);
  }

  function applyStatus(st) {
    idp.status = { ...st };
    if (st.filed_as && !idp.name && !idp.number) {
      // the check must find the plaintiff the filing names (OLR 7): start from what it says
      idp.name = st.filed_as.name;
      idp.number = st.filed_as.id_number;
    }
    if (typeof st.attempts_left === "number") idp.attemptsLeft = st.attempts_left;
    setVerified(Boolean(st.verified));
    if (st.verified) goTo("already");
    else if (idp.attemptsLeft === 0 || st.in_review) goTo("manual"); // a clerk has it now
    else if (!st.consent) goTo("consent");
    else if (!st.reference) goTo("reference");
    else goTo("live");
  }

  function goTo(phase) {
    if (phase !== idp.phase) idp.focusStep = true;
    idp.phase = phase;
    renderIdentity();
  }

  // -- rendering

  function renderIdentity() {
    if (!panelEl) return;
    const step = ID_STEP_OF[idp.phase] || 0;
    const recording = idp.phase === "camera";
    const other = state.locale === "zh" ? "en" : "zh";
    const dialog = h(
      "section",
      {
        class: "id-panel",
        role: "dialog",
        "aria-modal": "true",
        "aria-labelledby": "id-title",
        "data-testid": "identity-dialog",
        "data-phase": idp.phase,
        "aria-busy": String(idp.busy || idp.phase === "loading"),
      },
      h(
        "header",
        { class: "id-head" },
        icon("idcard"),
        h("h2", { id: "id-title", tabindex: "-1", text: t("id_title") }),
        h("button", {
          type: "button",
          class: "icon-btn lang",
          "data-testid": "identity-lang",
          lang: other === "en" ? "en" : "zh-CN",
          "aria-label": t("switch_label"),
          title: t("switch_label"),
          text: t("switch_short"),
          disabled: recording || idp.busy, // a re-render would drop the camera preview or a send
          onclick: () => {
            setLocale(other);
            panelEl?.querySelector("[data-testid=identity-lang]")?.focus({ preventScroll: true });
          },
        }),
        h(
          "button",
          {
            type: "button",
            class: "icon-btn",
            "data-testid": "identity-close",
            "aria-label": t("id_close"),
            title: t("id_close"),
            onclick: closeIdentity,
          },
          icon("close"),
        ),
      ),
      step ? renderIdSteps(step) : null,
      h("div", { class: "id-body", "data-testid": `identity-step-${idp.phase}` }, identityBody()),
    );
    panelEl.replaceChildren(dialog);
    if (idp.focusStep) {
      idp.focusStep = false;
      const heading = dialog.querySelector(".id-body h3");
      if (heading) heading.focus({ preventScroll: true });
    }
    if (recording) updateLive();
  }

  function renderIdSteps(current) {
    const steps = ["consent", "reference", "live"];
    return h(
      "nav",
      { class: "id-steps-wrap", "aria-label": t("id_steps") },
      h("p", { class: "visually-hidden", text: t("id_step_n", { n: current }) }),
      h(
        "ol",
        { class: "id-steps", "data-testid": "identity-steps" },
        steps.map((key, i) => {
          const n = i + 1;
          const done = n < current;
          return h(
            "li",
            {
              class: done ? "done" : n === current ? "current" : "",
              "aria-current": n === current ? "step" : null,
            },
            h("span", { class: "id-step-num", "aria-hidden": "true" }, done ? icon("check") : String(n)),
            h("span", { class: "id-step-name", text: t(`id_step_${key}`) }),
          );
        }),
      ),
    );
  }

  function identityBody() {
    switch (idp.phase) {
      case "loading":
        return [h("p", { class: "muted center id-wait", role: "status", text: t("id_loading") })];
      case "unavailable":
        return [
          h("h3", { tabindex: "-1", text: t("id_title") }),
          idErrorBox(idp.error || t("id_unavailable")),
          closeButton(),
        ];
      case "consent":
        return idConsentBody();
      case "reference":
        return idReferenceBody();
      case "live":
        return idLiveIntroBody();
      case "camera":
        return idCameraBody();
      case "camera_error":
        return idCameraErrorBody();
      case "failed":
        return idFailedBody();
      case "busy":
        return [
          h("h3", { tabindex: "-1", text: t("id_live_h") }),
          h("p", { class: "id-note", role: "alert", "data-testid": "identity-busy", text: (idp.result && idp.result.text) || t("id_busy") }),
          h("button", { type: "button", class: "btn primary wide", "data-testid": "identity-retry", text: t("id_try_again"), onclick: runLiveCheck }),
        ];
      case "manual":
        return [
          h("div", { class: "id-outcome manual", "aria-hidden": "true" }, icon("alert")),
          h("h3", { tabindex: "-1", text: t("id_manual_h") }),
          h("p", { role: "alert", "data-testid": "identity-manual", text: (idp.result && idp.result.text) || t("id_manual_note") }),
          idp.result && idp.result.text ? h("p", { class: "muted", text: t("id_manual_note") }) : null,
          closeButton(),
        ];
      case "verified":
      case "already":
        return idVerifiedBody();
      case "delete":
        return idDeleteBody();
      case "deleted":
        return [
          h("div", { class: "id-outcome ok", "aria-hidden": "true" }, icon("check")),
          h("h3", { tabindex: "-1", text: t("id_deleted_h") }),
          h("p", { role: "status", "data-testid": "identity-deleted", text: (idp.result && idp.result.text) || "" }),
          closeButton(t("id_done")),
        ];
      default:
        return [];
    }
  }

  function idErrorBox(text) {
    const message = text === undefined ? idp.error : text;
    return h("p", {
      class: "error-box",
      role: "alert",
      "data-testid": "identity-error",
      hidden: !message,
      text: message || "",
    });
  }

  function closeButton(label) {
    return h("button", {
      type: "button",
      class: "btn secondary wide",
      "data-testid": "identity-done",
      text: label || t("id_close"),
      onclick: closeIdentity,
    });
  }

  /** "What is captured: …" with its label in bold. */
  function labelled(text) {
    const m = /^(.+?[：:])\s*(.*)$/s.exec(text);
    return m ? [h("strong", { text: m[1] }), " ", m[2]] : [text];
  }

  function idConsentBody() {
    const submit = h("button", {
      type: "button",
      class: "btn primary wide",
      "data-testid": "identity-consent-submit",
      disabled: !idp.consentTicked || idp.busy,
      "aria-busy": String(idp.busy),
      text: idp.busy ? t("sending") : t("id_consent_btn"),
      onclick: submitConsent,
    });
    const box = h("input", {
      type: "checkbox",
      id: "id-consent-box",
      "data-testid": "identity-consent-check",
      "aria-describedby": "id-consent-no",
      checked: idp.consentTicked,
      onchange: (event) => {
        idp.consentTicked = event.currentTarget.checked;
        submit.disabled = !idp.consentTicked || idp.busy;
      },
    });
    return [
      h("h3", { tabindex: "-1", text: t("id_consent_h") }),
      h("p", { text: t("id_consent_intro") }),
      h(
        "ul",
        { class: "id-facts", "data-testid": "identity-consent-facts" },
        // a court that keeps the frames (MICROCOURT_KEEP_SELFIES) must not promise otherwise
        ["what", "kept", idp.status && idp.status.keeps_selfies === true ? "selfie_kept" : "selfie", "use", "delete"].map(
          (k) => h("li", null, labelled(t(`id_consent_${k}`))),
        ),
      ),
      h("div", { class: "id-check" }, box, h("label", { for: "id-consent-box", text: t("id_consent_check") })),
      idErrorBox(),
      submit,
      h("p", { id: "id-consent-no", class: "muted small", text: t("id_consent_no") }),
    ];
  }

  async function submitConsent() {
    if (!idp.consentTicked || idp.busy) return;
    const run = idp.run;
    idp.busy = true;
    idp.error = null;
    renderIdentity();
    const r = await api("POST", "/api/identity/consent", { biometric: true });
    if (!idp.open || run !== idp.run) return;
    idp.busy = false;
    if (alreadyVerified(r.data)) return;
    if (!r.ok) {
      idp.error = r.data.text || t("network_error");
      renderIdentity();
      return;
    }
    idp.status = { ...(idp.status || {}), consent: true };
    goTo(idp.status.reference ? "live" : "reference");
  }

  function idReferenceBody() {
    const field = (id, key, labelKey, attrs, hintKey) => {
      const input = h("input", {
        id,
        class: "id-input",
        type: "text",
        "data-testid": `identity-${key}`,
        "aria-describedby": hintKey ? `${id}-hint` : null,
        disabled: idp.busy,
        ...attrs,
      });
      input.value = idp[key];
      input.addEventListener("input", () => (idp[key] = input.value));
      return h(
        "div",
        { class: "id-field" },
        h("label", { for: id, text: t(labelKey) }),
        input,
        hintKey ? h("p", { id: `${id}-hint`, class: "muted small", text: t(hintKey) }) : null,
      );
    };
    const photoInput = h("input", {
      id: "id-photo",
      type: "file",
      class: "visually-hidden",
      accept: "image/*",
      capture: "environment",
      "data-testid": "identity-photo",
      "aria-describedby": "id-photo-tips",
      disabled: idp.busy,
      onchange: (event) => {
        const file = event.currentTarget.files && event.currentTarget.files[0];
        if (!file) return;
        if (idp.photoUrl) URL.revokeObjectURL(idp.photoUrl);
        idp.photo = file;
        idp.photoUrl = URL.createObjectURL(file);
        idp.error = null;
        renderIdentity();
        panelEl?.querySelector("[data-testid=identity-photo]")?.focus({ preventScroll: true });
      },
    });
    const chosen = idp.photo
      ? h(
          "figure",
          { class: "id-photo-preview", "data-testid": "identity-photo-preview" },
          h("img", { src: idp.photoUrl, alt: t("id_photo_alt") }),
          h("figcaption", { class: "small muted", text: t("id_photo_chosen", { name: idp.photo.name || "photo" }) }),
        )
      : null;
    return [
      h("h3", { tabindex: "-1", text: t("id_ref_h") }),
      h("p", { text: t("id_ref_intro") }),
      idp.status && idp.status.filed_as
        ? h("p", { class: "muted small", "data-testid": "identity-from-filing", text: t("id_from_filing") })
        : null,
      h(
        "form",
        { class: "id-form", "data-testid": "identity-reference-form", novalidate: true, onsubmit: submitReference },
        field("id-name", "name", "id_name", { autocomplete: "name", enterkeyhint: "next", spellcheck: "false" }),
        field(
          "id-number",
          "number",
          "id_number",
          { autocomplete: "off", autocapitalize: "characters", spellcheck: "false", maxlength: "18", enterkeyhint: "next" },
          "id_number_hint",
        ),
        h(
          "div",
          { class: "id-field" },
          h("span", { class: "id-label", id: "id-photo-label", text: t("id_photo") }),
          chosen,
          h(
            "label",
            { class: `btn ${idp.photo ? "secondary" : "primary"} wide file-pick`, for: "id-photo", "aria-describedby": "id-photo-label" },
            photoInput,
            icon("camera"),
            h("span", { text: idp.photo ? t("id_photo_change") : t("id_photo_pick") }),
          ),
          h("p", { id: "id-photo-tips", class: "muted small", text: t("id_photo_tips") }),
        ),
        idErrorBox(),
        h("button", {
          type: "submit",
          class: "btn primary wide",
          "data-testid": "identity-reference-submit",
          disabled: idp.busy,
          "aria-busy": String(idp.busy),
          text: idp.busy ? t("id_uploading") : t("id_ref_btn"),
        }),
      ),
    ];
  }

  /** A phone photo can be 5-10 MB: shrink it to a sharp, small JPEG. Anything unreadable goes as is. */
  async function shrinkPhoto(file) {
    try {
      if (typeof createImageBitmap !== "function") return file;
      const bitmap = await createImageBitmap(file);
      const scale = Math.min(1, ID_PHOTO_MAX_PX / Math.max(bitmap.width, bitmap.height));
      if (scale === 1 && file.size <= ID_PHOTO_MAX_BYTES) {
        bitmap.close();
        return file;
      }
      const canvas = document.createElement("canvas");
      canvas.width = Math.round(bitmap.width * scale);
      canvas.height = Math.round(bitmap.height * scale);
      canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      bitmap.close();
      const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", 0.9));
      return blob ? new File([blob], "id-card.jpg", { type: "image/jpeg" }) : file;
    } catch {
      return file;
    }
  }

  async function submitReference(event) {
    event.preventDefault();
    if (idp.busy) return;
    const missing = !idp.name.trim()
      ? ["id_missing_name", "identity-name"]
      : !idp.number.trim()
        ? ["id_missing_number", "identity-number"]
        : !idp.photo
          ? ["id_missing_photo", "identity-photo"]
          : null;
    if (missing) {
      idp.error = t(missing[0]);
      renderIdentity();
      panelEl?.querySelector(`[data-testid=${missing[1]}]`)?.focus({ preventScroll: true });
      return;
    }
    const run = idp.run;
    idp.busy = true;
    idp.error = null;
    renderIdentity();
    const photo = await shrinkPhoto(idp.photo);
    const form = new FormData();
    form.append("name", idp.name.trim());
    form.append("id_number", idp.number.replace(/\s+/g, "").toUpperCase());
    form.append("photo", photo, photo.name || "id-card.jpg");
    const r = await postForm("/api/identity/reference", form);
    if (!idp.open || run !== idp.run) return;
    idp.busy = false;
    if (alreadyVerified(r.data)) return;
    if (r.data.error === "consent_required") {
      idp.error = r.data.text || null;
      idp.status = { ...(idp.status || {}), consent: false };
      goTo("consent");
      return;
    }
    if (!r.ok) {
      idp.error = r.data.text || t("network_error"); // in place; everything typed stays
      renderIdentity();
      panelEl?.querySelector("[data-testid=identity-error]")?.focus?.();
      return;
    }
    idp.status = { ...(idp.status || {}), reference: true };
    goTo("live");
  }

  function idLiveIntroBody() {
    return [
      h("h3", { tabindex: "-1", text: t("id_live_h") }),
      h("p", { text: t("id_live_intro") }),
      idp.attemptsLeft !== null && idp.attemptsLeft !== undefined
        ? h("p", { class: "muted small", "data-testid": "identity-attempts", text: t("id_attempts_left", { n: idp.attemptsLeft }) })
        : null,
      idErrorBox(),
      h(
        "button",
        { type: "button", class: "btn primary wide id-big", "data-testid": "identity-live-start", onclick: runLiveCheck },
        icon("camera"),
        t("id_live_start"),
      ),
      h("button", {
        type: "button",
        class: "link-btn",
        "data-testid": "identity-redo-reference",
        text: t("id_redo_reference"),
        onclick: () => {
          idp.error = null;
          goTo("reference");
        },
      }),
    ];
  }

  function instructionFor(challenge) {
    if (!challenge) return "";
    if (challenge.text) return challenge.text;
    return { turn_left: t("id_turn_left"), turn_right: t("id_turn_right"), blink: t("id_blink") }[challenge.kind] || "";
  }

  function idCameraBody() {
    return [
      h("h3", { tabindex: "-1", class: "visually-hidden", text: t("id_live_h") }),
      h(
        "div",
        { class: "id-stage", "data-testid": "identity-stage" },
        h("video", {
          class: "id-video",
          "data-testid": "identity-video",
          autoplay: true,
          muted: true,
          playsinline: true,
          "aria-label": t("id_preview"),
        }),
        h("div", { class: "id-oval", "aria-hidden": "true" }),
        h("div", { class: "id-count", "data-testid": "identity-countdown", "aria-hidden": "true" }),
      ),
      h("p", { class: "id-instruction", "data-testid": "identity-instruction", "aria-live": "assertive" }),
      h("p", { class: "id-live-status", "data-testid": "identity-live-status", role: "status" }),
      h("progress", { class: "id-progress", "data-testid": "identity-progress", max: String(ID_FRAMES), value: "0", "aria-label": t("id_capturing") }),
      h("button", { type: "button", class: "btn secondary wide", "data-testid": "identity-cancel", text: t("id_cancel"), onclick: closeIdentity }),
    ];
  }

  /** Repaint the live check's texts without touching the video element. */
  function updateLive() {
    if (!panelEl || idp.phase !== "camera" || !idp.live) return;
    const live = idp.live;
    const instruction = panelEl.querySelector("[data-testid=identity-instruction]");
    const status = panelEl.querySelector("[data-testid=identity-live-status]");
    const count = panelEl.querySelector("[data-testid=identity-countdown]");
    const progress = panelEl.querySelector("[data-testid=identity-progress]");
    const stage = panelEl.querySelector("[data-testid=identity-stage]");
    if (!instruction || !status) return;
    const kind = idp.challenge ? idp.challenge.kind : "";
    const text = instructionFor(idp.challenge);
    if (instruction.dataset.text !== text) {
      instruction.dataset.text = text;
      instruction.dataset.kind = kind;
      const arrow = kind === "turn_left" ? "left" : kind === "turn_right" ? "right" : kind === "blink" ? "eye" : null;
      instruction.replaceChildren(...(arrow ? [icon(arrow)] : []), text);
    }
    stage.dataset.sub = live.sub;
    status.dataset.sub = live.sub;
    status.textContent = {
      opening: t("id_camera_opening"),
      ready: t("id_get_ready", { n: live.count }),
      capturing: `${t("id_capturing")} · ${t("id_frames", { n: live.frames, total: ID_FRAMES })}`,
      checking: t("id_checking"),
    }[live.sub];
    count.textContent = live.sub === "ready" ? String(live.count) : "";
    progress.value = live.frames;
    progress.hidden = live.sub !== "capturing" && live.sub !== "checking";
  }

  function stopCamera() {
    const stream = idp.stream;
    idp.stream = null;
    if (stream) for (const track of stream.getTracks()) track.stop();
    const video = panelEl && panelEl.querySelector("[data-testid=identity-video]");
    if (video) video.srcObject = null;
  }

  function firstFrame(video, timeoutMs) {
    if (video.readyState >= 2 && video.videoWidth) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        video.removeEventListener("loadeddata", done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      video.addEventListener("loadeddata", done);
    });
  }

  /** ID_FRAMES frames, ID_FRAME_GAP_MS apart, as JPEG blobs (null if the check was abandoned). */
  async function captureFrames(video, alive, onFrame) {
    const width = video.videoWidth;
    const height = video.videoHeight;
    const canvas = document.createElement("canvas");
    canvas.width = width;
    canvas.height = height;
    const ctx = canvas.getContext("2d");
    const blobs = [];
    const start = performance.now();
    for (let i = 0; i < ID_FRAMES; i++) {
      const wait = start + i * ID_FRAME_GAP_MS - performance.now();
      if (wait > 0) await sleep(wait);
      if (!alive()) return null;
      ctx.drawImage(video, 0, 0, width, height);
      // toBlob copies the bitmap now and encodes in the background
      blobs.push(new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", ID_JPEG_QUALITY)));
      onFrame(i + 1);
    }
    const done = await Promise.all(blobs);
    return done.every(Boolean) ? done : null;
  }

  async function runLiveCheck() {
    const run = ++idp.run;
    const alive = () => idp.open && run === idp.run;
    clearTimeout(idp.closeTimer);
    stopCamera();
    idp.error = null;
    idp.result = null;
    idp.challenge = null;
    idp.live = { sub: "opening", count: ID_LEAD_IN_S, frames: 0 };
    goTo("camera");
    const media = navigator.mediaDevices;
    if (!media || typeof media.getUserMedia !== "function") {
      cameraProblem(window.isSecureContext === false ? "insecure" : "missing");
      return;
    }
    let stream;
    try {
      stream = await media.getUserMedia({ video: { facingMode: "user", width: 640, height: 480 }, audio: false });
    } catch (err) {
      if (!alive()) return;
      const name = err && err.name;
      cameraProblem(["NotAllowedError", "PermissionDeniedError", "SecurityError"].includes(name) ? "denied" : "missing");
      return;
    }
    if (!alive()) {
      for (const track of stream.getTracks()) track.stop();
      return;
    }
    idp.stream = stream;
    const video = panelEl.querySelector("[data-testid=identity-video]");
    video.srcObject = stream;
    video.play().catch(() => {});
    await firstFrame(video, 8000);
    if (!alive()) return;
    if (!video.videoWidth) {
      cameraProblem("missing");
      return;
    }
    // the challenge is asked for once the camera shows a picture: its 30 s start now
    const challenge = await api("POST", "/api/identity/challenge", {});
    if (!alive()) return;
    if (!challenge.ok || !challenge.data.nonce) {
      stopCamera();
      liveOutcome(challenge);
      return;
    }
    idp.challenge = challenge.data;
    for (let n = ID_LEAD_IN_S; n > 0; n--) {
      idp.live.sub = "ready";
      idp.live.count = n;
      updateLive();
      await sleep(1000);
      if (!alive()) return;
    }
    idp.live.sub = "capturing";
    updateLive();
    const frames = await captureFrames(video, alive, (n) => {
      idp.live.frames = n;
      updateLive();
    });
    stopCamera();
    if (!alive()) return;
    if (!frames) {
      cameraProblem("missing");
      return;
    }
    idp.live.sub = "checking";
    idp.busy = true;
    updateLive();
    const form = new FormData();
    form.append("nonce", idp.challenge.nonce);
    frames.forEach((blob, i) => form.append("frames", blob, `frame-${String(i + 1).padStart(2, "0")}.jpg`));
    const r = await postForm("/api/identity/selfie", form);
    if (!alive()) return;
    idp.busy = false;
    liveOutcome(r);
  }

  function cameraProblem(kind) {
    stopCamera();
    idp.cameraProblem = kind;
    goTo("camera_error");
  }

  /** The server says this person is verified already (e.g. in another tab, or by a clerk). */
  function alreadyVerified(d) {
    if (d.error !== "already_verified") return false;
    setVerified(true);
    idp.status = { ...(idp.status || {}), verified: true };
    goTo("already");
    return true;
  }

  function liveOutcome(r) {
    const d = r.data || {};
    if (typeof d.attempts_left === "number") idp.attemptsLeft = d.attempts_left;
    if (alreadyVerified(d)) return;
    if (r.ok && d.outcome === "pending_review") {
      idp.result = { text: d.text };
      goTo("manual");
      return;
    }
    if (r.ok && d.outcome === "verified") {
      idp.result = { text: d.text };
      setVerified(true);
      goTo("verified");
      idp.closeTimer = setTimeout(() => {
        if (idp.open && idp.phase === "verified") closeIdentity();
      }, ID_CLOSE_AFTER_MS);
      return;
    }
    if (d.error === "too_many_attempts" || (d.outcome === "failed" && idp.attemptsLeft === 0)) {
      idp.attemptsLeft = 0;
      idp.result = { text: d.text };
      goTo("manual");
      return;
    }
    if (r.status === 503 || r.status === 429) {
      // the face checker is busy, or challenges came too fast: nothing was counted, try shortly
      idp.result = { text: d.text || t("id_busy") };
      goTo("busy");
      return;
    }
    // a step the server says is missing (e.g. the reference was withdrawn meanwhile)
    if (idp.status && r.status >= 400 && r.status < 500 && r.status !== 422) {
      if (/consent/.test(d.error || "")) {
        idp.error = d.text || null;
        idp.status.consent = false;
        goTo("consent");
        return;
      }
      if (/reference/.test(d.error || "")) {
        idp.error = d.text || null;
        idp.status.reference = false;
        goTo("reference");
        return;
      }
    }
    idp.result = { text: d.text || t("network_error"), error: d.error || (r.status === 0 ? "network" : null) };
    goTo("failed");
  }

  function idCameraErrorBody() {
    const kind = idp.cameraProblem || "missing";
    return [
      h("div", { class: "id-outcome problem", "aria-hidden": "true" }, icon("camera")),
      h("h3", { tabindex: "-1", text: t("id_camera_h") }),
      h("p", { role: "alert", "data-testid": "identity-camera-error", "data-problem": kind, text: t(`id_camera_${kind}`) }),
      h("p", { class: "id-note", "data-testid": "identity-telegram-hint", text: t("id_camera_telegram") }),
      h("button", { type: "button", class: "btn primary wide", "data-testid": "identity-retry", text: t("id_try_again"), onclick: runLiveCheck }),
      closeButton(),
    ];
  }

  function idFailedBody() {
    const left = idp.attemptsLeft;
    const text = idp.result ? idp.result.text : "";
    // the court's explanation usually ends with the attempts left; say it only if it does not
    const saysLeft = typeof left === "number" && text.includes(String(left));
    return [
      h("div", { class: "id-outcome problem", "aria-hidden": "true" }, icon("alert")),
      h("h3", { tabindex: "-1", text: t("id_failed_h") }),
      h("p", {
        role: "alert",
        "data-testid": "identity-failed",
        "data-error": idp.result && idp.result.error,
        "data-attempts-left": typeof left === "number" ? String(left) : null,
        text,
      }),
      typeof left === "number" && !saysLeft
        ? h("p", { class: "id-note", "data-testid": "identity-attempts", text: t("id_attempts_left", { n: left }) })
        : null,
      h("button", { type: "button", class: "btn primary wide id-big", "data-testid": "identity-retry", text: t("id_try_again"), onclick: runLiveCheck }),
      h("button", {
        type: "button",
        class: "link-btn",
        "data-testid": "identity-redo-reference",
        text: t("id_redo_reference"),
        onclick: () => {
          idp.error = null;
          goTo("reference");
        },
      }),
    ];
  }

  function idVerifiedBody() {
    const method = idp.status && idp.status.method;
    const methodText = method ? t(`id_method_${method}`) : "";
    return [
      h("div", { class: "id-outcome ok", "aria-hidden": "true" }, icon("check")),
      h("h3", { tabindex: "-1", "data-testid": "identity-verified", text: t("id_verified_h") }),
      h("p", {
        role: "status",
        "data-testid": "identity-verified-text",
        text: idp.phase === "verified" ? (idp.result && idp.result.text) || t("id_verified_note") : t("id_already"),
      }),
      idp.phase === "already" && method && methodText !== `id_method_${method}`
        ? h("p", { class: "muted small", "data-testid": "identity-method", text: t("id_method", { method: methodText }) })
        : null,
      h("button", { type: "button", class: "btn primary wide", "data-testid": "identity-done", text: t("id_done"), onclick: closeIdentity }),
      h("button", {
        type: "button",
        class: "link-btn danger",
        "data-testid": "identity-delete",
        text: t("id_delete"),
        onclick: () => {
          clearTimeout(idp.closeTimer);
          idp.error = null;
          goTo("delete");
        },
      }),
    ];
  }

  /** PIPL 47: the person may have the face template deleted, once no case of theirs is going on. */
  function idDeleteBody() {
    return [
      h("h3", { tabindex: "-1", text: t("id_delete_h") }),
      h("p", { text: t("id_delete_intro") }),
      h("p", { class: "muted small", text: t("id_delete_live") }),
      idErrorBox(),
      h("button", {
        type: "button",
        class: "btn danger wide",
        "data-testid": "identity-delete-confirm",
        disabled: idp.busy,
        "aria-busy": String(idp.busy),
        text: idp.busy ? t("id_deleting") : t("id_delete_btn"),
        onclick: deleteBiometrics,
      }),
      h("button", {
        type: "button",
        class: "btn secondary wide",
        "data-testid": "identity-delete-cancel",
        disabled: idp.busy,
        text: t("back"),
        onclick: () => {
          idp.error = null;
          goTo("already");
        },
      }),
    ];
  }

  async function deleteBiometrics() {
    if (idp.busy) return;
    const run = idp.run;
    idp.busy = true;
    idp.error = null;
    renderIdentity();
    const r = await api("DELETE", "/api/identity/biometrics");
    if (!idp.open || run !== idp.run) return;
    idp.busy = false;
    if (!r.ok) {
      idp.error = r.data.text || t("network_error"); // e.g. 409 case_live, naming the case
      renderIdentity();
      panelEl?.querySelector("[data-testid=identity-error]")?.focus?.();
      return;
    }
    idp.result = { text: r.data.text || "" };
    if (r.data.deleted) {
      idp.status = { ...(idp.status || {}), verified: false, consent: false, reference: false, method: null };
      setVerified(false);
    }
    goTo("deleted");
  }

  // ---------------------------------------------------------------- parties (OLR 10, agents, linking)
  //
  // Small dialogs ("sheets") over the app, one at a time: the account menu (link Telegram, a code
  // from the bot), joining a case with the court's invitation code, acting as an agent (the
  // party's code and the power of attorney), and a case's menu (invite an agent). A request over
  // the socket that is not an answer in a case is "the side request": one at a time, answered by
  // its own frame (case_opened, link, agent_code, welcome) or by an error without a client_id.

  const sheet = { kind: null, opener: null, el: null };
  const forms = newForms();

  function newForms() {
    return {
      join: { code: "", busy: false, error: null, errorCode: null },
      agent: { code: "", file: null, busy: false, error: null, errorCode: null, result: null },
      link: { busy: false, error: null, result: null },
      linkCode: { code: "", busy: false, error: null, confirm: null, info: null }, // confirm: {nonce, text}
      invite: { caseId: null, busy: false, error: null, result: null, copied: false },
      service: { caseId: null, busy: false, error: null, items: [] },
    };
  }

  function resetPartyState() {
    Object.assign(forms, newForms());
    clearSide();
    state.resumeAfterIdentity = null;
    writeStore(sessionStorage, JOIN_KEY, null);
    for (const p of state.agencyPending.values()) clearTimeout(p.timer);
    state.agencyPending.clear();
    state.agencyItems = [];
    state.deliveries = [];
    state.agencyRefusing = null;
    state.agencyReasons.clear();
    state.agencyNotes.clear();
  }

  // -- the side request

  function beginSide(kind, extra) {
    clearSide();
    const side = { kind, ...extra };
    side.timer = setTimeout(() => {
      if (state.side === side) sideFailed({ code: "timeout", text: t("network_error") });
    }, ACK_TIMEOUT_MS);
    state.side = side;
  }

  function clearSide() {
    if (state.side) clearTimeout(state.side.timer);
    state.side = null;
  }

  /** The court refused the side request (or it timed out): say why where it was asked. */
  function sideFailed(frame) {
    const side = state.side;
    if (!side) return false;
    clearSide();
    const text = frame.text || frame.code || t("network_error");
    switch (side.kind) {
      case "join": {
        const f = forms.join;
        f.busy = false;
        f.error = text;
        f.errorCode = frame.code || null;
        // a code that can never work is forgotten; one waiting for verification or the network is kept
        if (!["verify_first", "timeout"].includes(frame.code)) writeStore(sessionStorage, JOIN_KEY, null);
        showSheetResult("join", true);
        break;
      }
      case "link":
        forms.link.busy = false;
        forms.link.error = frame.code === "bad_request" ? t("link_unavailable") : text;
        showSheetResult("link");
        break;
      case "link_code":
        forms.linkCode.busy = false;
        forms.linkCode.confirm = null;
        forms.linkCode.error = text;
        showSheetResult("link_code");
        break;
      case "invite":
        forms.invite.busy = false;
        forms.invite.error = text;
        showSheetResult("invite");
        break;
      default:
        return false;
    }
    return true;
  }

  function showSheetResult(kind, reopen) {
    if (sheet.kind === kind) {
      renderSheet();
      focusInSheet("[data-testid$=-verify]", "[data-autofocus]:not([disabled])", "#sheet-title");
    } else if (reopen && !sheet.el && !idp.open && state.person) {
      openSheet(kind, null);
    }
  }

  // -- joining a case (OLR 10)

  function startJoin(code) {
    const f = forms.join;
    f.code = code;
    f.busy = true;
    f.error = null;
    f.errorCode = null;
    writeStore(sessionStorage, JOIN_KEY, code);
    beginSide("join");
    sendIntent({ type: "join", code });
    if (sheet.kind === "join") renderSheet();
  }

  function submitJoin(event) {
    event.preventDefault();
    const f = forms.join;
    if (f.busy) return;
    const code = f.code.trim();
    if (!code) {
      f.error = t("join_missing");
      f.errorCode = "missing";
      renderSheet();
      focusInSheet("[data-testid=join-code]");
      return;
    }
    startJoin(code);
  }

  /** The court linked this person to the case: the case opens (onCaseOpened) in place of the sheet. */
  function joined() {
    clearSide();
    writeStore(sessionStorage, JOIN_KEY, null);
    forms.join = newForms().join;
    if (sheet.kind === "join") closeSheet();
  }

  // -- linking with Telegram

  function requestLink() {
    forms.link = { busy: true, error: null, result: null };
    beginSide("link");
    sendIntent({ type: "link_telegram" });
  }

  function onLink(frame) {
    if (!state.side || state.side.kind !== "link") return;
    clearSide();
    forms.link = { busy: false, error: null, result: { deep_link: frame.deep_link, code: frame.code } };
    showSheetResult("link");
  }

  function submitLinkCode(event) {
    event.preventDefault();
    const f = forms.linkCode;
    if (f.busy) return;
    const code = f.code.trim();
    if (!code) {
      f.error = t("link_missing");
      renderSheet();
      focusInSheet("[data-testid=link-code-input]");
      return;
    }
    f.busy = true;
    f.error = null;
    beginSide("link_code");
    sendIntent({ type: "link_code", code });
    renderSheet();
  }

  /** The court's question before linking: the answer goes back with its nonce. */
  function onLinkConfirm(frame) {
    if (!state.side || state.side.kind !== "link_code") return;
    clearSide();
    const f = forms.linkCode;
    f.busy = false;
    f.confirm = { nonce: frame.nonce, text: frame.text };
    showSheetResult("link_code");
  }

  function answerLink(accept) {
    const f = forms.linkCode;
    if (f.busy || !f.confirm) return;
    f.busy = true;
    beginSide("link_code");
    sendIntent({ type: "link_answer", nonce: f.confirm.nonce, accept });
    renderSheet();
  }

  /** The question lived in the closed connection: its answer can no longer be taken. */
  function forgetLinkQuestion() {
    if (!forms.linkCode.confirm) return;
    forms.linkCode = { ...newForms().linkCode, error: t("link_lost") };
    if (sheet.kind === "link_code") renderSheet();
  }

  function onLinkCancelled(frame) {
    if (!state.side || state.side.kind !== "link_code") return;
    clearSide();
    forms.linkCode = { ...newForms().linkCode, info: frame.text };
    showSheetResult("link_code");
  }

  /** `welcome` after link_code: this session is now the person the bot's /link code named. */
  function linkedAs(beforeId) {
    clearSide();
    forms.linkCode = newForms().linkCode;
    if (state.person && state.person.id !== beforeId) {
      // another person: nothing on screen belongs to them
      state.convs.clear();
      state.caseInfo.clear();
      state.unread.clear();
      state.drafts.clear();
      state.cases = [];
      state.identityVerified = null;
      state.currentCaseId = null;
      writeStore(sessionStorage, CASE_KEY, null);
      state.view = "cases";
      state.listTab = "cases";
    }
    render();
    closeSheet();
    setBanner(t("link_done", { name: state.person ? state.person.name : "" }), true);
    root.querySelector("[data-testid=account-menu]")?.focus({ preventScroll: true });
    refreshIdentityMark();
  }

  // -- agents: the party's code, and the agent's power of attorney

  function requestInvite(caseId) {
    forms.invite = { caseId, busy: true, error: null, result: null, copied: false };
    beginSide("invite", { caseId });
    sendIntent({ type: "invite_agent", case_id: caseId });
  }

  function onAgentCode(frame) {
    if (!state.side || state.side.kind !== "invite") return;
    clearSide();
    forms.invite = {
      caseId: frame.case_id,
      busy: false,
      error: null,
      result: { code: frame.code || "", text: frame.text || frame.code || "" },
      copied: false,
    };
    showSheetResult("invite");
  }

  async function submitAgent(event) {
    event.preventDefault();
    const f = forms.agent;
    if (f.busy) return;
    const code = f.code.trim();
    const problem = !code
      ? ["agent_missing_code", "agent-code"]
      : !f.file
        ? ["agent_missing_file", "agent-file"]
        : f.file.size === 0
          ? ["agent_empty_file", "agent-file"]
          : null;
    if (problem) {
      f.error = t(problem[0], { name: f.file ? f.file.name : "" });
      f.errorCode = "missing";
      renderSheet();
      focusInSheet(`[data-testid=${problem[1]}]`);
      return;
    }
    f.busy = true;
    f.error = null;
    f.errorCode = null;
    renderSheet();
    const form = new FormData();
    form.append("code", code);
    form.append("file", f.file, f.file.name || "power-of-attorney");
    const r = await postForm("/api/agency/accept", form);
    f.busy = false;
    if (r.status === 401) {
      closeSheet();
      await showSignin(r.data.text);
      return;
    }
    if (r.ok && r.data.sha256) {
      f.result = { sha256: r.data.sha256, mandateId: r.data.mandate_id };
    } else {
      f.error = r.data.text || t("network_error");
      f.errorCode = r.data.error || null;
    }
    if (sheet.kind === "agent") {
      renderSheet();
      if (f.result) focusInSheet("#sheet-title");
      else focusInSheet("[data-testid=agent-verify]", "[data-testid=agent-submit]");
    }
  }

  // -- the identity panel from a sheet, and back

  function verifyFromSheet(kind) {
    state.resumeAfterIdentity = kind;
    const opener = sheet.opener;
    closeSheet();
    openIdentity(opener && opener.isConnected ? opener : root.querySelector("[data-testid=identity-menu]"));
  }

  /** Back from the identity panel to the join or agent sheet; once verified, the join is retried. */
  function afterIdentityClosed() {
    const kind = state.resumeAfterIdentity;
    state.resumeAfterIdentity = null;
    if (!kind || !state.person || sheet.el) return;
    const verified = state.identityVerified === true;
    const f = forms[kind];
    if (verified && f && f.errorCode === "verify_first") {
      f.error = null;
      f.errorCode = null;
    }
    openSheet(kind, document.activeElement);
    if (kind === "join" && verified && forms.join.code && !forms.join.busy) startJoin(forms.join.code);
  }

  // -- the sheet itself

  function openSheet(kind, opener) {
    if (idp.open || !state.person) return;
    if (!sheet.el) {
      sheet.opener = opener || document.activeElement;
      sheet.el = h("div", {
        class: "sheet-overlay",
        "data-testid": "sheet",
        onclick: (event) => {
          if (event.target === sheet.el) closeSheet(); // a tap beside the sheet
        },
      });
      document.body.append(sheet.el);
      root.inert = true;
      document.addEventListener("keydown", onSheetKey);
    }
    sheet.kind = kind;
    renderSheet();
    focusInSheet("[data-autofocus]:not([disabled])", "#sheet-title");
  }

  /** Open a sheet from the app's own entries: a form left with an old answer starts afresh. */
  function openTool(kind, opener) {
    const f = kind === "link_code" ? forms.linkCode : forms[kind];
    if (kind === "agent" && f.result) forms.agent = newForms().agent;
    else if (f && !f.busy && f.errorCode !== "verify_first") {
      f.error = null;
      f.errorCode = null;
    }
    if (kind === "link" && !forms.link.busy) requestLink();
    openSheet(kind, opener);
  }

  function closeSheet() {
    if (!sheet.el) return;
    sheet.el.remove();
    sheet.el = null;
    sheet.kind = null;
    document.removeEventListener("keydown", onSheetKey);
    if (!idp.open) root.inert = false;
    const back = sheet.opener;
    sheet.opener = null;
    if (back && back.isConnected && typeof back.focus === "function") back.focus({ preventScroll: true });
  }

  function onSheetKey(event) {
    if (event.key === "Escape" && sheet.el) {
      event.preventDefault();
      closeSheet();
    }
  }

  /** Focus the first element found, trying the selectors in order. */
  function focusInSheet(...selectors) {
    if (!sheet.el) return;
    for (const selector of selectors) {
      const target = sheet.el.querySelector(selector);
      if (target && typeof target.focus === "function") {
        target.focus({ preventScroll: true });
        return;
      }
    }
  }

  function renderSheet() {
    if (!sheet.el) return;
    const { title, body, busy } = sheetContent(sheet.kind);
    const dialog = h(
      "section",
      {
        class: "sheet",
        role: "dialog",
        "aria-modal": "true",
        "aria-labelledby": "sheet-title",
        "data-testid": `sheet-${sheet.kind}`,
        "aria-busy": String(Boolean(busy)),
      },
      h(
        "header",
        { class: "sheet-head" },
        h("h2", { id: "sheet-title", tabindex: "-1", text: title }),
        h(
          "button",
          {
            type: "button",
            class: "icon-btn",
            "data-testid": "sheet-close",
            "data-focus-key": "sheet-close",
            "aria-label": t("sheet_close"),
            title: t("sheet_close"),
            onclick: closeSheet,
          },
          icon("close"),
        ),
      ),
      h("div", { class: "sheet-body" }, body),
    );
    const hadFocus = sheet.el.contains(document.activeElement) || document.activeElement === document.body;
    keepingFocus(sheet.el, () => sheet.el.replaceChildren(dialog));
    // a control that had focus may be disabled now (a request in flight): keep focus in the dialog
    if (hadFocus && !sheet.el.contains(document.activeElement)) focusInSheet("#sheet-title");
  }

  function sheetContent(kind) {
    switch (kind) {
      case "menu":
        return { title: t("account_title"), body: menuBody() };
      case "case":
        return { title: t("case_title"), body: caseSheetBody() };
      case "invite":
        return { title: t("invite_title"), body: inviteBody(), busy: forms.invite.busy };
      case "service":
        return { title: t("service_title"), body: serviceBody(), busy: forms.service.busy };
      case "join":
        return { title: t("join_title"), body: joinBody(), busy: forms.join.busy };
      case "agent":
        return { title: t("agent_title"), body: agentBody(), busy: forms.agent.busy };
      case "link":
        return { title: t("link_title"), body: linkBody(), busy: forms.link.busy };
      case "link_code":
        return { title: t("link_enter"), body: linkCodeBody(), busy: forms.linkCode.busy };
      default:
        return { title: t("app_name"), body: [] };
    }
  }

  function sheetError(testid, text) {
    return h("p", { class: "error-box", role: "alert", "data-testid": testid, hidden: !text, text: text || "" });
  }

  function menuEntry(testid, iconName, label, hint, onclick) {
    return h(
      "li",
      null,
      h(
        "button",
        { type: "button", class: "tool", "data-testid": testid, "data-focus-key": testid, onclick },
        icon(iconName),
        h("span", { class: "tool-text" }, h("span", { class: "tool-label", text: label }), h("span", { class: "tool-hint", text: hint })),
      ),
    );
  }

  function menuBody() {
    const party = state.person && !state.person.staff_role;
    return [
      h(
        "ul",
        { class: "tool-list", "data-testid": "account-menu-list" },
        menuEntry("menu-link-telegram", "plane", t("link_tg"), t("link_tg_hint"), () => openTool("link")),
        menuEntry("menu-link-code", "key", t("link_enter"), t("link_enter_hint"), () => openTool("link_code")),
        party ? menuEntry("menu-join", "key", t("join_open"), t("join_open_hint"), () => openTool("join")) : null,
        party ? menuEntry("menu-agent", "briefcase", t("agent_open"), t("agent_open_hint"), () => openTool("agent")) : null,
      ),
    ];
  }

  /** The cases screen's entries for people who come in by a code rather than by filing. */
  function renderPartyTools() {
    const entry = (testid, iconName, label, hint, kind) =>
      h(
        "li",
        null,
        h(
          "button",
          {
            type: "button",
            class: "tool",
            "data-testid": testid,
            "data-focus-key": testid,
            "aria-haspopup": "dialog",
            onclick: (event) => openTool(kind, event.currentTarget),
          },
          icon(iconName),
          h("span", { class: "tool-text" }, h("span", { class: "tool-label", text: label }), h("span", { class: "tool-hint", text: hint })),
        ),
      );
    return h(
      "section",
      { class: "tools", "data-testid": "party-tools", "aria-label": t("party_tools") },
      h(
        "ul",
        { class: "tool-list" },
        entry("join-open", "key", t("join_open"), t("join_open_hint"), "join"),
        entry("agent-open", "briefcase", t("agent_open"), t("agent_open_hint"), "agent"),
      ),
    );
  }

  function caseSheetBody() {
    const caseId = state.currentCaseId;
    const info = state.caseInfo.get(caseId) || {};
    const facts = [
      ["case_number", info.case_number],
      ["reference", info.reference],
      ["status", info.status_text],
      ["your_role", roleLabel(info.role)],
    ].filter(([, value]) => value);
    return [
      h("dl", { class: "facts", "data-testid": "case-facts" }, facts.flatMap(([key, value]) => [h("dt", { text: t(key) }), h("dd", { text: value })])),
      h(
        "button",
        {
          type: "button",
          class: "btn wide",
          "data-testid": "service-open",
          "data-focus-key": "service-open",
          onclick: () => {
            requestService(caseId);
            openSheet("service");
          },
        },
        t("service_open"),
      ),
      PARTY_ROLES.has(info.role)
        ? h(
            "div",
            { class: "tool-block" },
            h(
              "button",
              {
                type: "button",
                class: "btn primary wide",
                "data-testid": "invite-agent",
                "data-focus-key": "invite-agent",
                "data-autofocus": true,
                onclick: () => {
                  const f = forms.invite;
                  if (f.caseId !== caseId || (!f.result && !f.busy)) requestInvite(caseId);
                  openSheet("invite");
                },
              },
              icon("briefcase"),
              t("invite_agent"),
            ),
            h("p", { class: "muted small center", text: t("invite_agent_hint") }),
          )
        : null,
    ];
  }

  /** The case's e-service certificates (OLR 31): the court sees every one, a party its own. */
  async function requestService(caseId) {
    Object.assign(forms.service, { caseId, busy: true, error: null, items: [] });
    renderSheet();
    const r = await api("GET", `/api/cases/${encodeURIComponent(caseId)}/service`);
    if (forms.service.caseId !== caseId) return; // another case asked meanwhile
    forms.service.busy = false;
    if (r.ok) forms.service.items = r.data.certificates || [];
    else forms.service.error = r.data.text || t("network_error");
    renderSheet();
  }

  function serviceBody() {
    const f = forms.service;
    if (f.busy) return [h("p", { class: "muted", text: t("loading") })];
    if (f.error) return [sheetError("service-error", f.error)];
    if (!f.items.length) return [h("p", { class: "muted", "data-testid": "service-none", text: t("service_none") })];
    const line = (text, testid) => h("span", { class: "item-line", "data-testid": testid, text });
    return [
      h(
        "ul",
        { class: "items", "data-testid": "service-list" },
        ...f.items.map((c) =>
          h(
            "li",
            { class: "item static", "data-testid": "certificate", "data-message-id": c.message_id },
            h("span", { class: "item-title", text: c.document_name.charAt(0).toUpperCase() + c.document_name.slice(1) }),
            line(t(c.recipient_is_agent ? "service_to_agent" : "service_to", { role: roleLabel(c.recipient_role), name: c.recipient_name || "—" }), "certificate-to"),
            line(
              c.delivered_at ? t("service_delivered", { at: formatTime(c.delivered_at), address: addressLabel(c) }) : t("service_pending"),
              "certificate-delivered",
            ),
            line(
              c.effective_at
                ? t(EFFECTIVE_BY[c.effective_by] || "service_effective", { at: formatTime(c.effective_at) })
                : t("service_not_effective"),
              "certificate-effective",
            ),
            line(
              c.acknowledged_at ? t("service_acknowledged", { at: formatTime(c.acknowledged_at), via: c.acknowledged_via === "web" ? t("service_via_web") : "Telegram" }) : t("service_unacknowledged"),
              "certificate-ack",
            ),
            h("span", { class: "item-line hash", text: `SHA-256 ${c.content_sha256}` }),
          ),
        ),
      ),
    ];
  }

  const EFFECTIVE_BY = { delivered: "service_effective", read: "service_effective_read", acknowledged: "service_effective_ack" };

  function addressLabel(c) {
    if (c.channel !== "web") return c.address;
    return t(c.address === "web chat" ? "addr_web" : "addr_web_unused");
  }

  function copyButton(testid, value, form) {
    if (!value || !navigator.clipboard || typeof navigator.clipboard.writeText !== "function") return null;
    return h(
      "button",
      {
        type: "button",
        class: "btn",
        "data-testid": testid,
        "data-focus-key": testid,
        "aria-live": "polite",
        onclick: async () => {
          try {
            await navigator.clipboard.writeText(value);
            form.copied = true;
          } catch {
            form.copied = false;
          }
          renderSheet();
        },
      },
      icon(form.copied ? "check" : "copy"),
      form.copied ? t("copied") : t("copy_code"),
    );
  }

  function inviteBody() {
    const f = forms.invite;
    if (f.busy) return [h("p", { class: "muted center sheet-wait", role: "status", text: t("invite_getting") })];
    if (f.error || !f.result) {
      return [
        sheetError("invite-error", f.error || t("network_error")),
        h("button", {
          type: "button",
          class: "btn primary wide",
          "data-testid": "invite-retry",
          "data-focus-key": "invite-retry",
          "data-autofocus": true,
          text: t("invite_again"),
          onclick: () => {
            requestInvite(state.currentCaseId);
            renderSheet();
          },
        }),
      ];
    }
    return [
      h("p", { class: "code-text", "data-testid": "agent-code-text", "data-code": f.result.code, text: f.result.text }),
      copyButton("copy-agent-code", f.result.code, f),
    ];
  }

  function joinBody() {
    const f = forms.join;
    const input = h("input", {
      id: "join-code",
      class: "id-input mono",
      type: "text",
      "data-testid": "join-code",
      "data-focus-key": "join-code",
      "data-autofocus": true,
      autocomplete: "off",
      autocapitalize: "off",
      spellcheck: "false",
      enterkeyhint: "go",
      "aria-describedby": "join-error",
      "aria-invalid": f.error && f.errorCode === "missing" ? "true" : null,
      disabled: f.busy,
    });
    input.value = f.code;
    input.addEventListener("input", () => (f.code = input.value));
    const verify = f.errorCode === "verify_first";
    return [
      h("p", { text: t("join_intro") }),
      h(
        "form",
        { class: "id-form", "data-testid": "join-form", novalidate: true, onsubmit: submitJoin },
        h("div", { class: "id-field" }, h("label", { for: "join-code", text: t("join_code") }), input),
        h("p", { id: "join-error", class: "error-box", role: "alert", "data-testid": "join-error", "data-code": f.errorCode, hidden: !f.error, text: f.error || "" }),
        verify
          ? h(
              "button",
              {
                type: "button",
                class: "btn primary wide",
                "data-testid": "join-verify",
                "data-focus-key": "join-verify",
                "aria-haspopup": "dialog",
                onclick: () => verifyFromSheet("join"),
              },
              icon("idcard"),
              t("id_open"),
            )
          : null,
        verify ? h("p", { class: "muted small center", text: t("join_verify_note") }) : null,
        h("button", {
          type: "submit",
          class: `btn ${verify ? "secondary" : "primary"} wide`,
          "data-testid": "join-submit",
          "data-focus-key": "join-submit",
          disabled: f.busy,
          "aria-busy": String(f.busy),
          text: f.busy ? t("joining") : t("join_btn"),
        }),
        h("p", { class: "visually-hidden", role: "status", text: f.busy ? t("joining") : "" }),
      ),
    ];
  }

  function agentBody() {
    const f = forms.agent;
    if (f.result) {
      return [
        h("div", { class: "id-outcome ok", "aria-hidden": "true" }, icon("check")),
        h("h3", { class: "center", "data-testid": "agent-done", text: t("agent_done_h") }),
        h("p", { role: "status", text: t("agent_done_note") }),
        h("p", { class: "muted small", text: t("agent_sha") }),
        h("p", { class: "code-box", "data-testid": "agent-sha256", text: f.result.sha256 }),
        h("button", { type: "button", class: "btn primary wide", "data-testid": "agent-close",
                "data-focus-key": "agent-close", text: t("id_done"), onclick: closeSheet }),
      ];
    }
    const code = h("input", {
      id: "agent-code",
      class: "id-input mono",
      type: "text",
      "data-testid": "agent-code",
      "data-focus-key": "agent-code",
      "data-autofocus": true,
      autocomplete: "off",
      autocapitalize: "off",
      spellcheck: "false",
      disabled: f.busy,
    });
    code.value = f.code;
    code.addEventListener("input", () => (f.code = code.value));
    const file = h("input", {
      id: "agent-file",
      type: "file",
      class: "visually-hidden",
      "data-testid": "agent-file",
      "data-focus-key": "agent-file",
      "aria-describedby": "agent-file-hint",
      disabled: f.busy,
      onchange: (event) => {
        const chosen = event.currentTarget.files && event.currentTarget.files[0];
        if (!chosen) return;
        f.file = chosen;
        if (f.errorCode === "missing") {
          f.error = null;
          f.errorCode = null;
        }
        renderSheet();
      },
    });
    const verify = f.errorCode === "verify_first" || f.errorCode === "agent_verify_first";
    return [
      h("p", { text: t("agent_intro") }),
      h(
        "form",
        { class: "id-form", "data-testid": "agent-form", novalidate: true, onsubmit: submitAgent },
        h("div", { class: "id-field" }, h("label", { for: "agent-code", text: t("agent_code_label") }), code),
        h(
          "div",
          { class: "id-field" },
          h("span", { class: "id-label", id: "agent-file-label", text: t("agent_file_label") }),
          f.file
            ? h("p", { class: "small", "data-testid": "agent-file-chosen", text: t("agent_file_chosen", { name: f.file.name, size: formatSize(f.file.size) }) })
            : null,
          h(
            "label",
            { class: `btn ${f.file ? "secondary" : ""} wide file-pick`, for: "agent-file", "aria-describedby": "agent-file-label" },
            file,
            icon("clip"),
            h("span", { text: f.file ? t("agent_file_change") : t("agent_file_pick") }),
          ),
          h("p", { id: "agent-file-hint", class: "muted small", text: t("agent_file_hint") }),
        ),
        sheetError("agent-error", f.error),
        verify
          ? h(
              "button",
              {
                type: "button",
                class: "btn primary wide",
                "data-testid": "agent-verify",
                "data-focus-key": "agent-verify",
                "aria-haspopup": "dialog",
                onclick: () => verifyFromSheet("agent"),
              },
              icon("idcard"),
              t("id_open"),
            )
          : null,
        h("button", {
          type: "submit",
          class: `btn ${verify ? "secondary" : "primary"} wide`,
          "data-testid": "agent-submit",
          "data-focus-key": "agent-submit",
          disabled: f.busy,
          "aria-busy": String(f.busy),
          text: f.busy ? t("agent_sending") : t("agent_submit"),
        }),
      ),
    ];
  }

  function linkBody() {
    const f = forms.link;
    const other = h("button", {
      type: "button",
      class: "link-btn",
      "data-testid": "link-enter-code",
      "data-focus-key": "link-enter-code",
      text: t("link_enter"),
      onclick: () => openTool("link_code"),
    });
    if (f.busy) return [h("p", { class: "muted center sheet-wait", role: "status", text: t("link_loading") })];
    if (f.error || !f.result) return [sheetError("link-error", f.error || t("network_error")), other];
    const href = /^https:\/\//i.test(f.result.deep_link || "") ? f.result.deep_link : null;
    const manual = `/start link_${f.result.code}`;
    return [
      h("p", { text: t("link_intro") }),
      href
        ? h(
            "a",
            {
              class: "btn primary wide",
              href,
              target: "_blank",
              rel: "noopener noreferrer",
              "data-testid": "link-deep-link",
              "data-focus-key": "link-deep-link",
              "data-autofocus": true,
            },
            icon("plane"),
            t("link_open"),
          )
        : null,
      h("p", { class: "muted small", text: t("link_manual") }),
      h("p", { class: "code-box", "data-testid": "link-code", text: manual }),
      copyButton("copy-link-code", manual, f),
      other,
    ];
  }

  function linkCodeBody() {
    const f = forms.linkCode;
    if (f.confirm) return linkConfirmBody(f);
    const input = h("input", {
      id: "link-code-input",
      class: "id-input mono",
      type: "text",
      "data-testid": "link-code-input",
      "data-focus-key": "link-code-input",
      "data-autofocus": true,
      autocomplete: "one-time-code",
      autocapitalize: "off",
      spellcheck: "false",
      enterkeyhint: "go",
      disabled: f.busy,
    });
    input.value = f.code;
    input.addEventListener("input", () => (f.code = input.value));
    return [
      h("p", { text: t("link_enter_hint") }),
      f.info ? h("p", { class: "muted", role: "status", "data-testid": "link-code-info", text: f.info }) : null,
      h(
        "form",
        { class: "id-form", "data-testid": "link-code-form", novalidate: true, onsubmit: submitLinkCode },
        h("div", { class: "id-field" }, h("label", { for: "link-code-input", text: t("link_code_label") }), input),
        sheetError("link-code-error", f.error),
        h("button", {
          type: "submit",
          class: "btn primary wide",
          "data-testid": "link-code-submit",
          "data-focus-key": "link-code-submit",
          disabled: f.busy,
          "aria-busy": String(f.busy),
          text: f.busy ? t("link_linking") : t("link_code_btn"),
        }),
      ),
    ];
  }

  function linkConfirmBody(f) {
    return [
      h("p", { role: "alert", "data-testid": "link-confirm-text", text: f.confirm.text }),
      h(
        "div",
        { class: "id-form" },
        h("button", {
          type: "button",
          class: "btn primary wide",
          "data-testid": "link-confirm-yes",
          "data-autofocus": true,
          disabled: f.busy,
          "aria-busy": String(f.busy),
          text: f.busy ? t("link_linking") : t("link_confirm_yes"),
          onclick: () => answerLink(true),
        }),
        h("button", {
          type: "button",
          class: "btn wide",
          "data-testid": "link-confirm-no",
          disabled: f.busy,
          text: t("link_confirm_no"),
          onclick: () => answerLink(false),
        }),
      ),
    ];
  }

  // ---------------------------------------------------------------- staff: agents and deliveries

  function onAgencyQueue(items) {
    state.agencyItems = items;
    const ids = new Set(items.map((m) => m.id));
    for (const id of Array.from(state.agencyNotes.keys())) if (!ids.has(id)) state.agencyNotes.delete(id);
    if (state.agencyRefusing && !ids.has(state.agencyRefusing)) state.agencyRefusing = null;
    if (state.view === "agents") renderList();
    updateTabs();
  }

  function onDeliveries(items) {
    state.deliveries = items;
    if (state.view === "deliveries") renderList();
    updateTabs();
  }

  function agencyBusy(mandateId) {
    for (const p of state.agencyPending.values()) if (p.mandateId === mandateId) return true;
    return false;
  }

  function renderAgencyQueue() {
    if (!state.agencyItems.length) {
      return [h("p", { class: "empty", "data-testid": "agents-empty", text: t("agents_empty") })];
    }
    return [
      h(
        "ul",
        { class: "items", "data-testid": "agency-list", "aria-label": t("agents_tab") },
        state.agencyItems.map(renderAgencyItem),
      ),
    ];
  }

  function renderAgencyItem(m) {
    const busy = agencyBusy(m.id);
    const refusing = state.agencyRefusing === m.id;
    const note = state.agencyNotes.get(m.id);
    const role = roleLabel(m.party_role);
    const titleId = `mandate-${m.id}`;
    let controls;
    if (refusing) {
      const reason = h("textarea", {
        id: `reason-${m.id}`,
        class: "answer",
        rows: "3",
        maxlength: "2000",
        "data-testid": "agency-reason",
        "data-focus-key": `reason:${m.id}`,
        disabled: busy,
      });
      reason.value = state.agencyReasons.get(m.id) || "";
      reason.addEventListener("input", () => state.agencyReasons.set(m.id, reason.value));
      controls = h(
        "form",
        {
          class: "refuse-form",
          "data-testid": "agency-refuse-form",
          novalidate: true,
          onsubmit: (event) => {
            event.preventDefault();
            decideAgency(m, false);
          },
        },
        h("label", { for: `reason-${m.id}`, class: "small", text: t("refuse_reason") }),
        reason,
        h(
          "div",
          { class: "item-actions" },
          h("button", { type: "submit", class: "btn danger", "data-testid": "agency-refuse-confirm", "data-focus-key": `confirm:${m.id}`, disabled: busy, text: busy ? t("sending") : t("refuse_confirm") }),
          h("button", {
            type: "button",
            class: "btn",
            "data-testid": "agency-refuse-cancel",
            disabled: busy,
            text: t("cancel"),
            onclick: () => {
              state.agencyRefusing = null;
              state.agencyNotes.delete(m.id);
              renderList();
              root.querySelector(`[data-focus-key="refuse:${CSS.escape(m.id)}"]`)?.focus({ preventScroll: true });
            },
          }),
        ),
      );
    } else {
      controls = h(
        "div",
        { class: "item-actions" },
        h("button", { type: "button", class: "btn primary", "data-testid": "agency-accept", "data-focus-key": `accept:${m.id}`, disabled: busy, "aria-describedby": titleId, text: busy ? t("sending") : t("accept"), onclick: () => decideAgency(m, true) }),
        h("button", {
          type: "button",
          class: "btn",
          "data-testid": "agency-refuse",
          "data-focus-key": `refuse:${m.id}`,
          "aria-describedby": titleId,
          disabled: busy,
          text: t("refuse"),
          onclick: () => {
            state.agencyRefusing = m.id;
            state.agencyNotes.delete(m.id);
            renderList();
            root.querySelector(`[data-focus-key="reason:${CSS.escape(m.id)}"]`)?.focus({ preventScroll: true });
          },
        }),
        h("button", { type: "button", class: "link-btn", "data-testid": "agency-open-case", "aria-describedby": titleId, text: t("open_case"), onclick: () => openCase(m.case_id, "agents") }),
      );
    }
    return h(
      "li",
      { class: "item static", "data-testid": "agency-item", "data-mandate-id": m.id, "data-case-id": m.case_id, "aria-busy": String(busy) },
      h("span", { class: "item-top" }, h("span", { class: "item-title", id: titleId, text: m.reference || "" })),
      h("span", { class: "badge status", text: t("agent_for", { role: state.locale === "en" ? role.toLowerCase() : role }) }),
      m.agent_name || m.party_name ? h("span", { class: "item-line", "data-testid": "agency-who", text: t("agency_who", { agent: m.agent_name || "—", party: m.party_name || "—" }) }) : null,
      m.company ? h("span", { class: "item-line", "data-testid": "agency-company", text: t("agency_company", { company: m.company }) }) : null,
      m.poa_name ? h("span", { class: "item-line", "data-testid": "agency-poa", text: t("poa_file", { name: m.poa_name }) }) : null,
      m.poa_sha256 ? h("span", { class: "item-line hash", "data-testid": "agency-sha256", text: `SHA-256 ${m.poa_sha256}` }) : null,
      note ? h("p", { class: "error-box small", role: "alert", "data-testid": "agency-error", text: note }) : null,
      controls,
    );
  }

  function decideAgency(m, accept) {
    if (agencyBusy(m.id)) return;
    const reason = accept ? "" : (state.agencyReasons.get(m.id) || "").trim();
    if (!accept && !reason) {
      state.agencyNotes.set(m.id, t("refuse_missing"));
      renderList();
      root.querySelector(`[data-focus-key="reason:${CSS.escape(m.id)}"]`)?.focus({ preventScroll: true });
      return;
    }
    if (!state.wsOpen) {
      state.agencyNotes.set(m.id, t("offline_send"));
      renderList();
      return;
    }
    const clientId = newClientId();
    const timer = setTimeout(() => {
      if (!state.agencyPending.delete(clientId)) return;
      state.agencyNotes.set(m.id, t("status_unconfirmed"));
      if (state.view === "agents") renderList();
      send({ type: "agency_queue" });
    }, ACK_TIMEOUT_MS);
    state.agencyPending.set(clientId, { mandateId: m.id, accept, reference: m.reference, timer });
    state.agencyNotes.delete(m.id);
    send({ type: "decide_agency", mandate_id: m.id, accept, reason, client_id: clientId });
    renderList();
  }

  function onAgencyAck(clientId) {
    const p = state.agencyPending.get(clientId);
    clearTimeout(p.timer);
    state.agencyPending.delete(clientId);
    state.agencyItems = state.agencyItems.filter((m) => m.id !== p.mandateId);
    state.agencyReasons.delete(p.mandateId);
    if (state.agencyRefusing === p.mandateId) state.agencyRefusing = null;
    if (state.view === "agents") {
      renderList();
      const next = root.querySelector("[data-testid=agency-accept]") || root.querySelector("[data-testid=tab-agents]");
      next?.focus({ preventScroll: true });
    }
    updateTabs();
    setBanner(t(p.accept ? "decided_accept" : "decided_refuse", { reference: p.reference }), true);
    send({ type: "agency_queue" });
  }

  /** decide_agency's refusals carry no client_id: the latest decision still waiting takes it. */
  function agencyFailed(frame) {
    const entries = Array.from(state.agencyPending.entries());
    const [clientId, p] = entries[entries.length - 1];
    clearTimeout(p.timer);
    state.agencyPending.delete(clientId);
    state.agencyNotes.set(p.mandateId, frame.text || frame.code);
    renderList();
    send({ type: "agency_queue" });
    return true;
  }

  function channelName(channel) {
    const key = `channel_${channel}`;
    const text = t(key);
    return text === key ? String(channel) : text;
  }

  function renderDeliveries() {
    const intro = h("p", { class: "muted small list-intro", text: t("deliveries_intro") });
    if (!state.deliveries.length) {
      return [intro, h("p", { class: "empty", "data-testid": "deliveries-empty", text: t("deliveries_empty") })];
    }
    return [
      intro,
      h(
        "ul",
        { class: "items", "data-testid": "delivery-list", "aria-label": t("deliveries_tab") },
        state.deliveries.map((d) =>
          h(
            "li",
            null,
            h(
              "button",
              {
                type: "button",
                class: "item",
                "data-testid": "delivery-item",
                "data-case-id": d.case_id,
                "data-focus-key": `delivery:${d.id ?? ""}:${d.case_id}:${d.at}`,
                onclick: () => openCase(d.case_id, "deliveries"),
              },
              h(
                "span",
                { class: "item-top" },
                h("span", { class: "item-title", text: d.reference || "" }),
                h("span", { class: "muted small", text: formatTime(d.at) }),
              ),
              h("span", { class: "badge status problem", text: t("delivery_failed", { channel: channelName(d.channel) }) }),
              d.reason ? h("span", { class: "item-line", "data-testid": "delivery-reason", text: t("delivery_reason", { reason: d.reason }) }) : null,
              h("span", {
                class: "item-line muted",
                text: d.fallback ? t("delivery_fallback", { channel: channelName(d.fallback) }) : t("delivery_no_fallback"),
              }),
            ),
          ),
        ),
      ),
    ];
  }

  // ---------------------------------------------------------------- start

  setInterval(tickCountdowns, 60000);
  window.addEventListener("online", () => {
    if (state.wsWanted && !state.ws) reconnectNow();
  });
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible" && state.wsWanted && !state.ws) reconnectNow();
  });

  boot();
})();
